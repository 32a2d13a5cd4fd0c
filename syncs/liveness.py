"""Syncs nobody is working on: failed when their worker died, dispatched again when their task
message went missing.

A running (or cancelling) sync whose heartbeat is older than
``CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT`` lost its worker: it fails as "worker lost" (retryable)
and the next sync resumes from the connector's cursor, saved with the last stored batch. Only the
lease holder's heartbeat counts, and failing clears the lease, so a worker that was merely slow
finds its lease gone and writes nothing more.

A sync waiting for a worker (queued on a running connector, or between two task runs) longer than
the timeout gets its task message sent again: claims are conditional, so a duplicate is harmless.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from connectors.events import emit
from connectors.lifecycle import State
from syncs.models import ErrorOrigin, Sync, SyncLogLine, SyncStatus

LEASED = (SyncStatus.RUNNING, SyncStatus.CANCELLING)


def _cutoff(now):
    return now - timedelta(seconds=settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT)


def fail_lost_syncs(*, now=None) -> int:
    now = now or timezone.now()
    cutoff = _cutoff(now)
    timeout = settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT
    lost = Sync.objects.filter(
        status__in=LEASED, lease_token__isnull=False, heartbeat_at__lt=cutoff
    ).values_list("pk", "lease_token", "status")
    failed = 0
    for sync_id, token, status in lost:
        while_cancelling = (
            " while it was being cancelled" if status == SyncStatus.CANCELLING else ""
        )
        message = (
            f"The worker running this sync stopped responding{while_cancelling} (no heartbeat for "
            f"{timeout} s). The documents stored so far are kept; the next sync resumes from the "
            "last saved checkpoint."
        )
        with transaction.atomic():
            taken = Sync.objects.filter(
                pk=sync_id, lease_token=token, heartbeat_at__lt=cutoff
            ).update(
                status=SyncStatus.FAILED,
                lease_token=None,
                finished_at=now,
                error_origin=ErrorOrigin.WORKER,
                error_type="WorkerLost",
                error_message=message,
                error_retryable=True,
            )
            if not taken:
                continue
            failed += 1
            SyncLogLine.objects.create(
                sync_id=sync_id, level=SyncLogLine.Level.ERROR, message=f"Failed: {message}"
            )
            sync = Sync.objects.select_related("connector").get(pk=sync_id)
            emit(
                "sync.finished",
                actor=None,
                obj=sync,
                workspace_id=sync.connector.workspace_id,
                status=SyncStatus.FAILED,
                connector=str(sync.connector_id),
            )
    return failed


def redispatch_waiting_syncs(*, now=None) -> int:
    from syncs.tasks import run_sync

    now = now or timezone.now()
    cutoff = _cutoff(now)
    waiting = (
        Sync.objects.filter(lease_token__isnull=True)
        .filter(Q(status=SyncStatus.QUEUED, connector__state=State.RUNNING) | Q(status__in=LEASED))
        .filter(connector__deleted_at__isnull=True)
        .annotate(waiting_since=Coalesce("heartbeat_at", "queued_at"))
        .filter(waiting_since__lt=cutoff)
        .values_list("pk", flat=True)
    )
    sent = 0
    for sync_id in waiting:
        with transaction.atomic():
            if Sync.objects.filter(pk=sync_id, lease_token__isnull=True).update(heartbeat_at=now):
                sent += 1
                transaction.on_commit(lambda sync_id=str(sync_id): run_sync.delay(sync_id))
    return sent
