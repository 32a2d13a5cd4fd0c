"""``documents.changed``: a domain event per committed write that changed what a collection's
feed holds, so that consumers (through webhooks) poll when there is something to read."""

from config.events import emit
from syncs.models import CollectionMembership


def announce(
    *,
    actor=None,
    connector,
    upserts: int = 0,
    deletes: int = 0,
    reason: str,
    collection_ids=None,
    sync=None,
) -> None:
    """The ``documents.changed`` event (after commit): which collections' feeds have changes to
    read, and how many; never the documents themselves. ``collection_ids`` defaults to the
    collections the connector is in now."""
    if not (upserts or deletes):
        return
    if collection_ids is None:
        collection_ids = list(
            CollectionMembership.objects.filter(
                connector=connector, ended_stamp__isnull=True
            ).values_list("collection_id", flat=True)
        )
    if not collection_ids:
        return
    emit(
        "documents.changed",
        actor=actor,
        obj=connector,
        workspace_id=connector.workspace_id,
        connector=str(connector.pk),
        collections=sorted(str(pk) for pk in collection_ids),
        upserts=upserts,
        deletes=deletes,
        reason=reason,
        sync=str(sync.pk) if sync is not None else None,
    )
