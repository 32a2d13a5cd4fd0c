"""One sync read by several workers at once: its parts.

When a sync begins a read of the whole source and its reader can cut that read into parts
(``Source.split``: primary-key ranges of a table), the sync's first task run creates one
``SyncPart`` per range, releases the sync's own lease, sends one ``run_sync_part`` task per part
but the first and reads the first part itself. The operator still sees one sync: one record, one
progress bar, one log, one cancel.

Each part is claimed, leased, checkpointed, handed on and retried after a lost worker exactly as
a whole sync is (``PartRun`` is a ``SyncRun`` whose lease is the part's), and writes its counters
into the sync's. Parts store documents at the same time: their write transactions lock the
connector row in share mode (a stop, a delete or a config edit still waits for them) and the
sync's row only at the end. Every other write of a part locks the connector row exclusively, as
every sync's does, so the decisions that need the whole picture are taken one at a time: the part
that completes last prunes (once) and ends the sync; a cancel or a failure stops the parts still
waiting, and the leased ones find out at their next write.
"""

import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from connectors.lifecycle import State
from ops import heartbeats
from registry.sources.base import Split
from syncs.engine.lease import LEASED_STATUSES, Claim, LeaseLost, lock_connector
from syncs.engine.passes import PassState
from syncs.models import Sync, SyncPart


def wanted() -> int:
    """How many parts a big read is cut into: the setting, or as many as the workers alive have
    processes (one worker of concurrency 2 reads two parts at once)."""
    count = settings.CONNECTOR_HUB_SYNC_PARTS
    if count <= 0:
        fresh = settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT
        count = heartbeats.worker_processes(fresher_than=fresh)
    return max(1, min(count, settings.CONNECTOR_HUB_SYNC_MAX_PARTS))


def begin(sync_id, split: Split, state: PassState) -> list[str]:
    """Inside the sync's start transaction: the parts, the sync's checkpoint (with where the
    reader goes on once every part is read) and its total. Returns the parts' ids."""
    parts = SyncPart.objects.bulk_create(
        SyncPart(sync_id=sync_id, number=number, checkpoint=cursor)
        for number, cursor in enumerate(split.parts, start=1)
    )
    checkpoint = {**state.as_json(), "split": {"parts": len(parts), "after": split.after}}
    Sync.objects.filter(pk=sync_id).update(
        checkpoint=checkpoint,
        progress_total=split.total,
        lease_token=None,
        heartbeat_at=timezone.now(),
    )
    return [str(part.pk) for part in parts]


def send(part_ids: list[str], *, countdown: float | None = None) -> None:
    """The parts' tasks, once the transaction that made them waiting commits."""
    from syncs.tasks import run_sync_part

    def enqueue():
        for part_id in part_ids:
            run_sync_part.apply_async((part_id,), countdown=countdown)

    transaction.on_commit(enqueue)


def is_split(sync_id) -> bool:
    return SyncPart.objects.filter(sync_id=sync_id).exists()


def send_waiting(sync_id) -> None:
    """Send again the tasks of the parts waiting for a worker (a lost message is harmless to
    resend: claims are conditional)."""
    now = timezone.now()
    waiting = SyncPart.objects.filter(
        sync_id=sync_id, state=SyncPart.State.WAITING, lease_token__isnull=True
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    with transaction.atomic():
        send([str(pk) for pk in waiting.values_list("pk", flat=True)])


@transaction.atomic
def claim(part_id) -> tuple[Claim, uuid.UUID] | None:
    """Take a waiting part of a running sync; the claim and the sync's id, or None."""
    token, now = uuid.uuid4(), timezone.now()
    taken = (
        SyncPart.objects.filter(pk=part_id, state=SyncPart.State.WAITING, lease_token__isnull=True)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(sync__status__in=LEASED_STATUSES)
        .update(lease_token=token, heartbeat_at=now, next_attempt_at=None)
    )
    if not taken:
        return None
    sync_id = SyncPart.objects.values_list("sync_id", flat=True).get(pk=part_id)
    return Claim(token, first=False), sync_id


@dataclass
class PartLease:
    """The ``Lease`` of one part: its writes prove the part's token, and the sync must still be
    running (a part that failed the sync ends every other part's lease)."""

    sync_id: uuid.UUID
    token: uuid.UUID
    connector_id: uuid.UUID
    part_id: uuid.UUID

    def _mine(self):
        return SyncPart.objects.filter(pk=self.part_id, lease_token=self.token)

    def _sync_status(self) -> str | None:
        return Sync.objects.filter(pk=self.sync_id).values_list("status", flat=True).first()

    @contextmanager
    def transaction(self, *, shared: bool = False):
        """As ``Lease.transaction``, for the part. ``shared``: a write the other parts may make
        at the same time (storing documents, a log line): the connector row is locked in share
        mode, and the sync row, which every part writes, only at the end, so the parts' writes
        overlap and wait for each other only to commit. Without it the connector row is locked
        exclusively, so decisions that need every part's state see it committed."""
        with transaction.atomic():
            lock_connector(self.connector_id, shared=shared)
            now = timezone.now()
            if not self._mine().update(heartbeat_at=now):
                raise LeaseLost()
            status = self._sync_status()
            if status not in LEASED_STATUSES:
                raise LeaseLost()
            if not shared:
                Sync.objects.filter(pk=self.sync_id).update(heartbeat_at=now)
            yield status
            if shared:
                still_leased = Sync.objects.filter(pk=self.sync_id, status__in=LEASED_STATUSES)
                if not still_leased.update(heartbeat_at=now):
                    raise LeaseLost()

    def beat(self) -> tuple[str, bool]:
        now = timezone.now()
        if not self._mine().update(heartbeat_at=now):
            raise LeaseLost()
        row = (
            Sync.objects.filter(pk=self.sync_id)
            .values_list("status", "connector__deleted_at", "connector__state")
            .first()
        )
        if row is None or row[0] not in LEASED_STATUSES:
            raise LeaseLost()
        Sync.objects.filter(pk=self.sync_id).update(heartbeat_at=now)
        status, deleted_at, state = row
        return status, deleted_at is not None or state in (State.STOPPED, State.FAILED)

    def update(self, **fields) -> None:
        """Write fields of the sync, inside ``transaction()``."""
        Sync.objects.filter(pk=self.sync_id).update(**fields)

    def update_part(self, **fields) -> None:
        self._mine().update(**fields)


def stop_waiting(sync_id) -> None:
    """Parts no worker holds stop with their sync (cancelled or failed)."""
    SyncPart.objects.filter(
        sync_id=sync_id, state=SyncPart.State.WAITING, lease_token__isnull=True
    ).update(state=SyncPart.State.STOPPED, next_attempt_at=None)


def stop_all(sync_id) -> None:
    SyncPart.objects.filter(sync_id=sync_id, state=SyncPart.State.WAITING).update(
        state=SyncPart.State.STOPPED, lease_token=None, next_attempt_at=None
    )


def any_leased(sync_id) -> bool:
    return SyncPart.objects.filter(
        sync_id=sync_id, state=SyncPart.State.WAITING, lease_token__isnull=False
    ).exists()


def all_done(sync_id) -> bool:
    return not SyncPart.objects.filter(sync_id=sync_id).exclude(state=SyncPart.State.DONE).exists()


def after_all(sync_id) -> dict | None:
    """The reader's cursor once every part is read (saved when the read was split)."""
    checkpoint = Sync.objects.values_list("checkpoint", flat=True).get(pk=sync_id) or {}
    return (checkpoint.get("split") or {}).get("after")


def part_state(connector_cursor: dict | None, part: SyncPart) -> PassState:
    """The pass a part continues: the connector's (shared by every part), from the part's own
    checkpoint."""
    return replace(PassState.resume(connector_cursor), reader=part.checkpoint, done=part.done)


def cancel_message(sync_id, reason: str) -> str:
    done = Sync.objects.values_list("progress_done", flat=True).get(pk=sync_id)
    if reason:
        return f"Cancelled after {done} documents of this pass: {reason}"
    return (
        f"Cancelled after {done} documents of this pass. What was imported is kept; the next "
        "sync reads the source again."
    )
