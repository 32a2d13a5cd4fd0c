"""Syncs nobody is working on: taken up again when their worker died, dispatched again when
their task message went missing.

A running sync whose heartbeat is older than ``CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT`` lost its
worker: its attempt ends ("worker lost") and, unless ``CONNECTOR_HUB_SYNC_MAX_ATTEMPTS`` attempts
of it already ended that way, it waits a back-off (``next_attempt_at``) and a new attempt resumes
from the connector's cursor, saved with the last stored batch; otherwise it fails for good. A
sync being cancelled when its worker died ends cancelled. Only the lease holder's heartbeat
counts, and recovering clears the lease, so a worker that was merely slow finds its lease gone
and writes nothing more.

A part of a split sync (``syncs.engine.parts``) whose worker died is taken up again the same way,
from its own checkpoint, while the other parts go on; a part lost too often fails the sync.

A sync waiting for a worker (queued on a running connector, between two task runs, or past its
back-off) longer than the timeout gets its task message sent again: claims are conditional, so a
duplicate is harmless.

A ``when`` schedule fires once: when its time is older than the timeout and no sync came of it
(beat's tick went to a worker that died with it), the tick runs here, once.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.events import emit
from connectors.lifecycle import State
from syncs import scheduling, start_rules
from syncs.engine import attempts, parts
from syncs.engine.failures import backoff
from syncs.engine.lease import lock_connector
from syncs.models import AttemptOutcome, ErrorOrigin, Sync, SyncLogLine, SyncPart, SyncStatus

LEASED = (SyncStatus.RUNNING, SyncStatus.CANCELLING)


def _cutoff(now):
    return now - timedelta(seconds=settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT)


def recover_lost_syncs(*, now=None) -> int:
    """Retry or end every sync whose worker stopped responding; how many there were."""
    now = now or timezone.now()
    cutoff = _cutoff(now)
    lost = Sync.objects.filter(
        status__in=LEASED, lease_token__isnull=False, heartbeat_at__lt=cutoff
    ).values_list("pk", "lease_token")
    recovered = 0
    for sync_id, token in lost:
        with transaction.atomic():
            sync = (
                Sync.objects.select_for_update()
                .select_related("connector")
                .filter(pk=sync_id, lease_token=token, heartbeat_at__lt=cutoff)
                .first()
            )
            if sync is None:
                continue
            recovered += 1
            _recover(sync, now)
    return recovered


def _recover(sync: Sync, now) -> None:
    timeout = settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT
    stopped = f"The worker running this sync stopped responding (no heartbeat for {timeout} s)."
    attempts.end(sync.pk, AttemptOutcome.WORKER_LOST, stopped, now)
    lost = attempts.lost_count(sync.pk)
    allowed = max(1, settings.CONNECTOR_HUB_SYNC_MAX_ATTEMPTS)
    if sync.status == SyncStatus.CANCELLING:
        message = (
            f"{stopped[:-1]} while it was being cancelled. The documents stored so far are kept; "
            "the next sync resumes from the last saved checkpoint."
        )
        _finish(sync, now, SyncStatus.CANCELLED, message, SyncLogLine.Level.INFO, "Cancelled: ")
    elif lost < allowed:
        wait = backoff(
            lost,
            base=settings.CONNECTOR_HUB_SYNC_RETRY_BACKOFF,
            cap=settings.CONNECTOR_HUB_SYNC_RETRY_MAX_WAIT,
        )
        Sync.objects.filter(pk=sync.pk).update(
            lease_token=None, heartbeat_at=now, next_attempt_at=now + timedelta(seconds=wait)
        )
        SyncLogLine.objects.create(
            sync_id=sync.pk,
            level=SyncLogLine.Level.WARNING,
            message=f"{stopped} Attempt {sync.attempts + 1} (of at most {allowed}) resumes from "
            f"the last saved checkpoint in {wait:.1f} s.",
        )
        _send_later(sync.pk, wait)
    else:
        message = (
            f"{stopped} Gave up after {lost} attempt(s) whose worker was lost. The documents "
            "stored so far are kept; the next sync resumes from the last saved checkpoint."
        )
        _finish(sync, now, SyncStatus.FAILED, message, SyncLogLine.Level.ERROR, "Failed: ")


def recover_lost_parts(*, now=None) -> int:
    """Retry or end every part of a split sync whose worker stopped responding."""
    now = now or timezone.now()
    cutoff = _cutoff(now)
    lost = SyncPart.objects.filter(
        state=SyncPart.State.WAITING, lease_token__isnull=False, heartbeat_at__lt=cutoff
    ).values_list("pk", "lease_token", "sync__connector_id")
    recovered = 0
    for part_id, token, connector_id in lost:
        with transaction.atomic():
            # The connector first, as every write of a sync or part locks it.
            lock_connector(connector_id)
            part = (
                SyncPart.objects.select_for_update()
                .filter(pk=part_id, lease_token=token, heartbeat_at__lt=cutoff)
                .first()
            )
            if part is None:
                continue
            recovered += 1
            _recover_part(part, now)
    return recovered


def _recover_part(part: SyncPart, now) -> None:
    timeout = settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT
    stopped = (
        f"The worker reading part {part.number} of this sync stopped responding (no heartbeat "
        f"for {timeout} s)."
    )
    sync = Sync.objects.select_related("connector").get(pk=part.sync_id)
    lost = part.lost + 1
    allowed = max(1, settings.CONNECTOR_HUB_SYNC_MAX_ATTEMPTS)
    if sync.status == SyncStatus.CANCELLING:
        SyncPart.objects.filter(pk=part.pk).update(
            state=SyncPart.State.STOPPED, lease_token=None, lost=lost
        )
        parts.stop_waiting(sync.pk)
        if not parts.any_leased(sync.pk):
            message = parts.cancel_message(sync.pk, "")
            attempts.end(sync.pk, AttemptOutcome.CANCELLED, message, now)
            _finish(sync, now, SyncStatus.CANCELLED, message, SyncLogLine.Level.INFO, "")
    elif sync.status not in LEASED:
        SyncPart.objects.filter(pk=part.pk).update(state=SyncPart.State.STOPPED, lease_token=None)
    elif lost < allowed:
        wait = backoff(
            lost,
            base=settings.CONNECTOR_HUB_SYNC_RETRY_BACKOFF,
            cap=settings.CONNECTOR_HUB_SYNC_RETRY_MAX_WAIT,
        )
        SyncPart.objects.filter(pk=part.pk).update(
            lease_token=None, lost=lost, next_attempt_at=now + timedelta(seconds=wait)
        )
        SyncLogLine.objects.create(
            sync_id=sync.pk,
            level=SyncLogLine.Level.WARNING,
            message=f"{stopped} It resumes from its last saved checkpoint in {wait:.1f} s.",
        )
        parts.send([str(part.pk)], countdown=wait)
    else:
        parts.stop_all(sync.pk)
        message = (
            f"{stopped} Gave up after its worker was lost {lost} times. The documents stored so "
            "far are kept; the next sync reads the source again."
        )
        attempts.end(sync.pk, AttemptOutcome.WORKER_LOST, message, now)
        _finish(sync, now, SyncStatus.FAILED, message, SyncLogLine.Level.ERROR, "Failed: ")


def _finish(sync: Sync, now, status: str, message: str, level: str, prefix: str) -> None:
    fields = {"status": status, "lease_token": None, "finished_at": now, "error_message": message}
    if status == SyncStatus.FAILED:
        fields.update(
            error_origin=ErrorOrigin.WORKER, error_type="WorkerLost", error_retryable=True
        )
    Sync.objects.filter(pk=sync.pk).update(**fields)
    SyncLogLine.objects.create(sync_id=sync.pk, level=level, message=f"{prefix}{message}")
    emit(
        "sync.finished",
        actor=None,
        obj=sync,
        workspace_id=sync.connector.workspace_id,
        status=status,
        connector=str(sync.connector_id),
    )


def _send_later(sync_id, seconds: float) -> None:
    from syncs.tasks import run_sync

    sync_id = str(sync_id)
    transaction.on_commit(lambda: run_sync.apply_async((sync_id,), countdown=seconds))


def redispatch_waiting_syncs(*, now=None) -> int:
    from syncs.tasks import run_sync

    now = now or timezone.now()
    cutoff = _cutoff(now)
    waiting = (
        Sync.objects.filter(lease_token__isnull=True)
        .filter(Q(status=SyncStatus.QUEUED, connector__state=State.RUNNING) | Q(status__in=LEASED))
        .filter(connector__deleted_at__isnull=True)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
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


def resend_lost_schedule_ticks(*, now=None) -> int:
    """Run the ``when`` ticks lost with their worker. Only those due within the sync retention
    period: the sync that answered an older one may since have been purged with the old syncs."""
    now = now or timezone.now()
    kept_since = now - timedelta(days=settings.CONNECTOR_HUB_SYNC_RETENTION_DAYS)
    sent = 0
    lost = scheduling.unanswered_one_off_ticks(due_after=kept_since, due_before=_cutoff(now))
    for connector_id in lost:
        with transaction.atomic():
            start_rules.schedule_ticked(connector_id=connector_id)
            sent += 1
    return sent
