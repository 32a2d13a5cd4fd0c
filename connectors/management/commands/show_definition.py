from django.core.management.base import CommandError

from connectors.management.base import ConnectorCommand
from connectors.management.presenters import definition_detail
from connectors.models import ConnectorDefinition


class Command(ConnectorCommand):
    help = (
        "Show a connector definition with its ui_spec, by registry id (<connector_id>-<version>)."
    )
    json_output = True

    def add_arguments(self, parser):
        parser.add_argument("registry_id")

    def handle(self, *args, registry_id, **options):
        self.print_object(definition_detail(_definition(registry_id)), options)


def _definition(registry_id: str) -> ConnectorDefinition:
    definition = ConnectorDefinition.objects.filter(registry_id=registry_id).first()
    if definition is None:
        raise CommandError(f"Connector not found: {registry_id}")
    return definition
