"""Reads of the connector registry (global: every workspace sees the same registry)."""

from django.db.models import QuerySet

from config.errors import NotFound
from registry.models import ConnectorDefinition, DefinitionStatus


def definition_for_type(type_name: str) -> ConnectorDefinition:
    """The definition a create names by connector_id (its Live version) or by registry id."""
    definition = (
        ConnectorDefinition.objects.filter(connector_id=type_name, status=DefinitionStatus.LIVE)
        .order_by("-live_date", "-id")
        .first()
        or ConnectorDefinition.objects.filter(registry_id=type_name).first()
    )
    if definition is None:
        raise NotFound(f"Unknown connector type {type_name!r}.")
    return definition


def definitions(
    statuses: list[str] | None = None, categories: list[str] | None = None
) -> QuerySet[ConnectorDefinition]:
    """The global registry, optionally filtered by status and category (one query)."""
    found = ConnectorDefinition.objects.all()
    if statuses:
        found = found.filter(status__in=statuses)
    if categories:
        found = found.filter(category__in=categories)
    return found.order_by("connector_id", "version", "id")


def definition_by_registry_id(registry_id: str, status: str) -> ConnectorDefinition:
    """The version ``<connector_id>-<version>`` in the given status (the registry's read)."""
    definition = ConnectorDefinition.objects.filter(registry_id=registry_id, status=status).first()
    if definition is None:
        raise NotFound(f"Connector not found: {registry_id}")
    return definition
