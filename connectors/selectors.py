"""Reads of the connectors app, always scoped to a workspace (or to what an actor may see)."""

import functools

from django.db.models import QuerySet

from config.errors import NotFound
from config.rows import Columns, Linked
from connectors.models import Connector, ConnectorCollection
from tenancy.models import Workspace
from tenancy.selectors import as_uuid


def connectors_in(workspace: Workspace) -> QuerySet[Connector]:
    return Connector.objects.filter(workspace=workspace).select_related("definition", "credential")


_CONNECTOR_COLUMNS = (
    "id",
    "workspace_id",
    "name",
    "description",
    "definition.connector_id",
    "definition.registry_id",
    "definition.credential_keys",
    "state",
    "state_reason",
    "schedule_type",
    "schedule_cron",
    "schedule_timezone",
    "schedule_at",
    "created_at",
    "updated_at",
    "masked_config",
)

#: The collections of a connector, in the order it joined them.
_COLLECTION_IDS = {"collections": Linked(ConnectorCollection, "connector_id", "collection_id")}


@functools.cache
def connector_columns(
    *, collections: bool = False, names: tuple[str, ...] | None = None
) -> Columns:
    """What the API families show of a connector, read as plain rows (``config.rows``): its
    columns, its definition's ids and credential keys, and the stored masked view of its config
    (``names``: only these); ``collections``: the ids of its collections too."""
    return Columns(
        Connector,
        _CONNECTOR_COLUMNS if names is None else names,
        json=("masked_config",),
        linked=_COLLECTION_IDS if collections else None,
    )


def for_listing(queryset: QuerySet[Connector]) -> QuerySet[Connector]:
    """Connectors as the API lists show them: each distinct definition is fetched once (one
    extra query) and shared by its connectors, so its ui_spec is decoded and its secret layout
    worked out once per page rather than once per row; the reader's cursor is not read."""
    return (
        queryset.select_related(None)
        .select_related("credential")
        .defer("cursor")
        .prefetch_related("definition")
    )


def connector_in(workspace: Workspace, connector_id) -> Connector:
    pk = as_uuid(connector_id)
    connector = connectors_in(workspace).filter(pk=pk).first() if pk else None
    if connector is None:
        raise NotFound("Connector not found.")
    return connector


def connector_by_name_or_id(workspace: Workspace, name_or_id: str) -> Connector:
    connector = connectors_in(workspace).filter(name=name_or_id).first()
    if connector is None and (pk := as_uuid(name_or_id)):
        connector = connectors_in(workspace).filter(pk=pk).first()
    if connector is None:
        raise NotFound("Connector not found.")
    return connector


def connector_state_counts(workspace: Workspace) -> dict[str, int]:
    """How many visible connectors of the workspace are in each state (every state listed)."""
    from django.db.models import Count

    from connectors.lifecycle import State

    counts = dict.fromkeys(State.values, 0)
    rows = Connector.objects.filter(workspace=workspace).values("state").annotate(n=Count("id"))
    for row in rows:
        counts[row["state"]] = row["n"]
    return counts
