"""A connector's time in a collection, opened and closed with its association (the connector
services call these inside their own transaction)."""

from django.db.models import Q
from django.utils import timezone

from syncs.feed import stamps
from syncs.feed.events import announce
from syncs.models import CollectionMembership, DocumentCount


def _live_documents(connector) -> int:
    counted = DocumentCount.objects.filter(connector=connector).values_list("live", flat=True)
    return counted.first() or 0


def membership_open(*, actor, connector, collection) -> None:
    """The connector's documents join the collection's feed, as upserts."""
    CollectionMembership.objects.create(
        connector=connector, collection=collection, started_stamp=stamps.for_event()
    )
    announce(
        actor=actor,
        connector=connector,
        upserts=_live_documents(connector),
        reason="connector_associated",
        collection_ids=[collection.pk],
    )


def memberships_close(*, actor, connector, collection=None, reason: str) -> list:
    """The connector leaves ``collection`` (every collection when None): its documents leave
    those feeds, as deletes. Returns the collections' ids."""
    condition = Q(connector=connector, ended_stamp__isnull=True)
    if collection is not None:
        condition &= Q(collection=collection)
    open_ = CollectionMembership.objects.filter(condition)
    collection_ids = list(open_.values_list("collection_id", flat=True))
    if collection_ids:
        open_.update(ended_stamp=stamps.for_event(), ended_at=timezone.now())
        announce(
            actor=actor,
            connector=connector,
            deletes=_live_documents(connector),
            reason=reason,
            collection_ids=collection_ids,
        )
    return collection_ids
