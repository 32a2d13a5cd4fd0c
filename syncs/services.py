"""Every write about syncs that is not the engine's own bookkeeping: trigger, cancel, release."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.actors import actor_label
from config.errors import Conflict, SyncAlreadyActive
from config.events import emit
from connectors.lifecycle import Action, State, next_state
from connectors.models import Connector
from syncs.models import ACTIVE_STATUSES, ErrorOrigin, Sync, SyncLogLine, SyncStatus
from tenancy.models import Collection


def _enqueue(sync: Sync) -> None:
    from syncs.tasks import run_sync

    sync_id = str(sync.pk)
    transaction.on_commit(lambda: run_sync.delay(sync_id))


def active_sync(connector: Connector) -> Sync | None:
    return Sync.objects.filter(connector=connector, status__in=ACTIVE_STATUSES).first()


@transaction.atomic
def sync_trigger(
    *,
    actor,
    connector: Connector,
    trigger: str,
    collection: Collection | None = None,
    full: bool = False,
    enqueue: bool = True,
) -> Sync:
    """Queue a sync. Refused (409) on a stopped or failed connector and while one is active; on a
    starting connector it waits for the check to pass. ``enqueue=False`` leaves it for the caller
    to run in its own process."""
    connector = Connector.objects.select_for_update().get(pk=connector.pk)
    next_state(connector.state, Action.SYNC)
    if (existing := active_sync(connector)) is not None:
        raise SyncAlreadyActive(existing)
    sync = Sync(
        connector=connector,
        collection=collection,
        trigger=trigger,
        full=full,
        created_by=actor_label(actor),
    )
    try:
        with transaction.atomic():
            sync.save(force_insert=True)
    except IntegrityError:
        # The partial unique index saw a sync queued by a concurrent request.
        raise SyncAlreadyActive(active_sync(connector)) from None
    if enqueue and connector.state == State.RUNNING:
        _enqueue(sync)
    emit(
        "sync.queued",
        actor=actor,
        obj=sync,
        workspace_id=connector.workspace_id,
        connector=str(connector.pk),
        trigger=trigger,
    )
    return sync


def sync_trigger_unless_active(
    *, actor, connector: Connector, trigger: str, collection=None
) -> Sync | None:
    """For schedules and associations: a tick that finds a sync active is skipped and recorded."""
    try:
        return sync_trigger(
            actor=actor, connector=connector, trigger=trigger, collection=collection
        )
    except SyncAlreadyActive:
        Connector.objects.filter(pk=connector.pk).update(last_skipped_tick_at=timezone.now())
        return None


@transaction.atomic
def sync_cancel(*, actor, sync: Sync, reason: str = "Cancelled by request.") -> Sync:
    """A queued sync, or one waiting to retry after its worker was lost, ends at once; a running
    one moves to cancelling and the engine stops it."""
    sync = Sync.objects.select_for_update().get(pk=sync.pk)
    waiting_to_retry = (
        sync.status == SyncStatus.RUNNING
        and sync.lease_token is None
        and sync.next_attempt_at is not None
    )
    if sync.status == SyncStatus.QUEUED or waiting_to_retry:
        sync.status = SyncStatus.CANCELLED
        sync.finished_at = timezone.now()
        sync.error_message = reason
        sync.next_attempt_at = None
        sync.save(update_fields=["status", "finished_at", "error_message", "next_attempt_at"])
        if waiting_to_retry:
            SyncLogLine.objects.create(
                sync=sync,
                message=f"Cancelled while waiting to retry: {reason} What was imported is kept "
                "and the next sync goes on from here.",
            )
        emit(
            "sync.finished",
            actor=actor,
            obj=sync,
            workspace_id=sync.connector.workspace_id,
            status=sync.status,
            connector=str(sync.connector_id),
        )
    elif sync.status == SyncStatus.RUNNING:
        sync.status = SyncStatus.CANCELLING
        sync.error_message = reason
        sync.save(update_fields=["status", "error_message"])
        emit(
            "sync.cancelling",
            actor=actor,
            obj=sync,
            workspace_id=sync.connector.workspace_id,
            connector=str(sync.connector_id),
        )
    elif sync.status != SyncStatus.CANCELLING:
        raise Conflict(f"The sync is already {sync.status}.")
    return sync


def sync_cancel_active(
    *, actor, connector: Connector, reason: str = "Cancelled by request."
) -> Sync | None:
    sync = active_sync(connector)
    if sync is not None:
        sync = sync_cancel(actor=actor, sync=sync, reason=reason)
    return sync


def sync_release_queued(*, connector: Connector) -> None:
    """Once a connector's check passes, the syncs queued while it was starting may run."""
    for sync in Sync.objects.filter(connector=connector, status=SyncStatus.QUEUED):
        _enqueue(sync)


@transaction.atomic
def sync_fail_queued(*, connector: Connector, reason: str) -> None:
    for sync in Sync.objects.select_for_update().filter(
        connector=connector, status=SyncStatus.QUEUED
    ):
        sync.status = SyncStatus.FAILED
        sync.finished_at = timezone.now()
        sync.error_origin = ErrorOrigin.CONFIG
        sync.error_type = "CheckFailed"
        sync.error_message = f"The connector check failed: {reason}"
        sync.error_retryable = False
        sync.save(
            update_fields=[
                "status",
                "finished_at",
                "error_origin",
                "error_type",
                "error_message",
                "error_retryable",
            ]
        )
        emit(
            "sync.finished",
            actor=None,
            obj=sync,
            workspace_id=connector.workspace_id,
            status=sync.status,
            connector=str(connector.pk),
        )
