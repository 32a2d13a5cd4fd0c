"""Retention: old sync records and long-deleted documents are removed in bounded chunks.

A finished sync is removed once it is older than ``CONNECTOR_HUB_SYNC_RETENTION_DAYS``, except
the last ``CONNECTOR_HUB_SYNC_KEEP_LAST`` syncs of each connector; its log lines go with it.
Documents soft-deleted more than ``CONNECTOR_HUB_DELETED_DOCUMENT_RETENTION_DAYS`` ago are removed,
and so are connectors' ended times in collections and deleted connectors whose documents are all
gone. Those are the change feed's deletions: each removal records the newest stamp it took away
(``ChangeClock.purged_through``), so that a cursor that has not read that far gets a 410 instead
of missing a deletion.
Idempotency records older than their 24-hour lifetime are removed. ``ops.tasks.purge_expired``
runs every purge of every app.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from connectors.models import Connector
from syncs.feed import stamps
from syncs.models import (
    FINISHED_STATUSES,
    ChangeClock,
    CollectionMembership,
    Document,
    ListedKey,
    Sync,
    SyncLogLine,
    UploadedFile,
)

CHUNK = 2000


def delete_in_chunks(queryset) -> int:
    removed = 0
    while True:
        ids = list(queryset.values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return removed
        with transaction.atomic():
            removed += queryset.model.objects.filter(pk__in=ids).delete()[0]


def purge_old_syncs(*, now=None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CONNECTOR_HUB_SYNC_RETENTION_DAYS)
    keep_last = max(0, settings.CONNECTOR_HUB_SYNC_KEEP_LAST)
    old = Sync.objects.filter(status__in=FINISHED_STATUSES, finished_at__lt=cutoff)
    removed = 0
    for connector_id in old.values_list("connector_id", flat=True).distinct().order_by():
        kept = list(
            Sync.objects.filter(connector_id=connector_id)
            .order_by("-queued_at", "-id")
            .values_list("pk", flat=True)[:keep_last]
        )
        doomed = old.filter(connector_id=connector_id).exclude(pk__in=kept)
        for sync_ids in _chunked(list(doomed.values_list("pk", flat=True))):
            delete_in_chunks(SyncLogLine.objects.filter(sync_id__in=sync_ids))
            with transaction.atomic():
                removed += Sync.objects.filter(pk__in=sync_ids).delete()[1].get("syncs.Sync", 0)
    return removed


def _chunked(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _deletions_cutoff(now):
    return (now or timezone.now()) - timedelta(
        days=settings.CONNECTOR_HUB_DELETED_DOCUMENT_RETENTION_DAYS
    )


def _purged_through(stamp) -> None:
    """Inside the removing transaction: changes up to ``stamp`` are no longer kept."""
    if stamp is not None:
        ChangeClock.objects.get_or_create(pk=1)
        ChangeClock.objects.filter(pk=1).update(purged_through=Greatest(F("purged_through"), stamp))


def _delete_changes_in_chunks(queryset, stamp_field: str) -> int:
    removed = 0
    while True:
        rows = list(queryset.order_by().values_list("pk", stamp_field)[:CHUNK])
        if not rows:
            return removed
        with transaction.atomic():
            _purged_through(max(stamp for _, stamp in rows))
            removed += queryset.model.objects.filter(pk__in=[pk for pk, _ in rows]).delete()[0]


def purge_deleted_documents(*, now=None) -> int:
    return _delete_changes_in_chunks(
        Document.objects.filter(deleted_at__lt=_deletions_cutoff(now)), stamps.STAMP
    )


def purge_ended_memberships(*, now=None) -> int:
    """A connector's time in a collection, ended long ago (its deletes no longer needed)."""
    return _delete_changes_in_chunks(
        CollectionMembership.objects.filter(ended_at__lt=_deletions_cutoff(now)), "ended_stamp"
    )


def bury_documents(connector: Connector, *, now=None) -> int:
    """A deleted connector's documents become tombstones: deleted (stamped, so the feeds they
    were in send their deletes) and emptied of their content. Retention removes them later,
    then the connector. In chunks, each its own transaction."""
    now = now or timezone.now()
    buried, last = 0, 0
    while True:
        ids = list(
            Document.objects.filter(connector=connector, pk__gt=last)
            .order_by("pk")
            .values_list("pk", flat=True)[:CHUNK]
        )
        if not ids:
            return buried
        with transaction.atomic():
            buried += Document.objects.filter(pk__in=ids).update(
                title="",
                url="",
                content="",
                metadata={},
                deleted_at=Coalesce(F("deleted_at"), now),
                **stamps.expressions(only_if=Q(deleted_at__isnull=True)),
            )
        last = ids[-1]


def purge_deleted_connectors(*, now=None) -> int:
    """Deleted connectors: documents still live an hour after (a purge task that never ran) are
    buried; a connector deleted longer ago than the retention period with no document left is
    removed."""
    removed = 0
    now = now or timezone.now()
    cutoff = _deletions_cutoff(now)
    for connector in Connector.all_objects.filter(deleted_at__isnull=False).order_by("pk"):
        if connector.deleted_at < now - timedelta(hours=1) and (
            Document.objects.filter(connector=connector, deleted_at__isnull=True).exists()
        ):
            bury_documents(connector, now=now)
        elif connector.deleted_at < cutoff and not connector.documents.exists():
            with transaction.atomic():
                _purged_through(
                    CollectionMembership.objects.filter(connector=connector).aggregate(
                        stamp=Max("ended_stamp")
                    )["stamp"]
                )
                delete_in_chunks(SyncLogLine.objects.filter(sync__connector=connector))
                remove_connector(connector)
            removed += 1
    return removed


def remove_connector(connector: Connector) -> None:
    """The deleted connector's row, for good. Its documents and listed ids have no database
    foreign key: whatever a sync still committed after the tombstones were counted goes too."""
    with transaction.atomic():
        connector.delete()
        Document.objects.filter(connector_id=connector.pk).delete()
        ListedKey.objects.filter(connector_id=connector.pk).delete()


def remove_deleted_connector_records(connector: Connector) -> None:
    """What a deleted connector leaves but its tombstones: syncs, their logs, uploaded files."""
    delete_in_chunks(SyncLogLine.objects.filter(sync__connector=connector))
    delete_in_chunks(UploadedFile.objects.filter(connector=connector))
    with transaction.atomic():
        Sync.objects.filter(connector=connector).delete()


def purge_expired_idempotency_records(*, now=None) -> int:
    from connectors.models import IdempotencyRecord

    now = now or timezone.now()
    return delete_in_chunks(
        IdempotencyRecord.objects.filter(created_at__lt=now - IdempotencyRecord.LIFETIME)
    )
