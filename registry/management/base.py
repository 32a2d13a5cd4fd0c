from django.core.management.base import CommandError

from config.commands import HubCommand
from registry.models import ConnectorDefinition


class DefinitionCommand(HubCommand):
    """A command over the global registry: no workspace, definitions named by registry id."""

    @staticmethod
    def definition(registry_id: str) -> ConnectorDefinition:
        definition = ConnectorDefinition.objects.filter(registry_id=registry_id).first()
        if definition is None:
            raise CommandError(f"Connector not found: {registry_id}")
        return definition
