"""Reads of syncs and documents."""

from django.db.models import QuerySet

from connectors.models import Collection, Connector
from syncs.models import Document, Sync


def syncs_of(connector: Connector) -> QuerySet[Sync]:
    return Sync.objects.filter(connector=connector).order_by("-queued_at", "-id")


def latest_sync(connector: Connector) -> Sync | None:
    return syncs_of(connector).first()


def documents_of_connector(connector: Connector) -> QuerySet[Document]:
    return Document.objects.filter(connector=connector, deleted_at__isnull=True)


def documents_of_collection(collection: Collection) -> QuerySet[Document]:
    """A collection's documents are those of the connectors associated with it."""
    return Document.objects.filter(
        connector__associations__collection=collection,
        connector__deleted_at__isnull=True,
        deleted_at__isnull=True,
    )


def sync_in(workspace, sync_id) -> Sync:
    """A sync of a visible connector of the workspace, by id."""
    from connectors.errors import NotFound
    from connectors.selectors import _as_uuid

    pk = _as_uuid(sync_id)
    sync = (
        Sync.objects.filter(
            pk=pk, connector__workspace=workspace, connector__deleted_at__isnull=True
        )
        .select_related("connector")
        .first()
        if pk
        else None
    )
    if sync is None:
        raise NotFound("Sync not found.")
    return sync
