from registry import services
from registry.management.base import DefinitionCommand


class Command(DefinitionCommand):
    help = "Retire a definition: existing connectors keep working, new ones cannot use it."

    def add_arguments(self, parser):
        parser.add_argument("registry_id")

    def handle(self, *args, registry_id, **options):
        definition = services.definition_retire(actor=None, definition=self.definition(registry_id))
        self.stdout.write(f"{definition.registry_id}: {definition.status}")
