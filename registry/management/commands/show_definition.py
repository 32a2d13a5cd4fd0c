from registry.management.base import DefinitionCommand
from registry.management.presenters import definition_detail


class Command(DefinitionCommand):
    help = (
        "Show a connector definition with its ui_spec, by registry id (<connector_id>-<version>)."
    )
    json_output = True

    def add_arguments(self, parser):
        parser.add_argument("registry_id")

    def handle(self, *args, registry_id, **options):
        self.print_object(definition_detail(self.definition(registry_id)), options)
