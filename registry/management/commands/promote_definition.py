from registry import services
from registry.management.base import DefinitionCommand


class Command(DefinitionCommand):
    help = "Publish a Draft definition: it becomes Live and other Live versions are retired."

    def add_arguments(self, parser):
        parser.add_argument("registry_id")

    def handle(self, *args, registry_id, **options):
        definition = services.definition_promote(
            actor=None, definition=self.definition(registry_id)
        )
        self.stdout.write(f"{definition.registry_id}: {definition.status}")
