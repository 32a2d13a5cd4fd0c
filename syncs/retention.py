"""Retention: old sync records and long-deleted documents are removed in bounded chunks.

A finished sync is removed once it is older than ``CONNECTOR_HUB_SYNC_RETENTION_DAYS``, except
the last ``CONNECTOR_HUB_SYNC_KEEP_LAST`` syncs of each connector; its log lines go with it.
Documents soft-deleted more than ``CONNECTOR_HUB_DELETED_DOCUMENT_RETENTION_DAYS`` ago are removed.
Idempotency records older than their 24-hour lifetime are removed, and audit entries older than
``CONNECTOR_HUB_AUDIT_RETENTION_DAYS`` (0 keeps them forever).
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from syncs.models import FINISHED_STATUSES, Document, Sync, SyncLogLine

CHUNK = 2000


def _delete_in_chunks(queryset) -> int:
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
            _delete_in_chunks(SyncLogLine.objects.filter(sync_id__in=sync_ids))
            with transaction.atomic():
                removed += Sync.objects.filter(pk__in=sync_ids).delete()[1].get("syncs.Sync", 0)
    return removed


def _chunked(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def purge_deleted_documents(*, now=None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CONNECTOR_HUB_DELETED_DOCUMENT_RETENTION_DAYS)
    return _delete_in_chunks(Document.objects.filter(deleted_at__lt=cutoff))


def purge_expired_idempotency_records(*, now=None) -> int:
    from connectors.api.idempotency import KEY_LIFETIME
    from connectors.models import IdempotencyRecord

    now = now or timezone.now()
    return _delete_in_chunks(IdempotencyRecord.objects.filter(created_at__lt=now - KEY_LIFETIME))


def purge_old_audit_entries(*, now=None) -> int:
    from audit.models import AuditEntry

    days = settings.CONNECTOR_HUB_AUDIT_RETENTION_DAYS
    if days <= 0:
        return 0
    now = now or timezone.now()
    return _delete_in_chunks(AuditEntry.objects.filter(at__lt=now - timedelta(days=days)))
