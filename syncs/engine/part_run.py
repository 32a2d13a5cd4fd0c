"""A task run of one part of a split sync (``parts``): a ``SyncRun`` whose lease, checkpoint and
hand-on are the part's, and whose endings take the other parts into account."""

from django.db.models import F

from connectors.models import Connector
from syncs.engine import parts
from syncs.engine.ends import PassReset
from syncs.engine.lease import Claim
from syncs.engine.runner import SyncRun
from syncs.models import Sync, SyncLogLine, SyncPart, SyncStatus


class PartRun(SyncRun):
    def __init__(self, part_id, sync_id, claimed: Claim):
        self.part = SyncPart.objects.get(pk=part_id)
        super().__init__(sync_id, claimed)

    def _lease(self, claimed: Claim):
        return parts.PartLease(self.sync.pk, claimed.token, self.sync.connector_id, self.part.pk)

    def _start(self):
        self.log.written = SyncLogLine.objects.filter(sync=self.sync).count()
        if (failure := self._load_config()) is not None:
            return failure
        cursor = Connector.all_objects.values_list("cursor", flat=True).get(pk=self.connector.pk)
        self.state = parts.part_state(cursor, self.part)
        self.writer.fresh = self.state.fresh
        return None

    def _connector_gone(self) -> bool:
        status = Sync.objects.values_list("status", flat=True).get(pk=self.sync.pk)
        return super()._connector_gone() or status == SyncStatus.CANCELLING

    def _save_progress(self, state, counters: dict, total: int | None) -> None:
        stored = state.done - self.state.done
        self.lease.update(**counters, progress_done=F("progress_done") + stored)
        self.lease.update_part(checkpoint=state.reader, done=state.done)

    def _succeed_pass(self) -> None:
        with self.lease.transaction():
            if not self._pass_is_current():
                raise PassReset()
            self.lease.update_part(
                state=SyncPart.State.DONE, lease_token=None, checkpoint=self.state.reader
            )
            if parts.all_done(self.sync.pk):
                self.state = self.state.after_batch(parts.after_all(self.sync.pk), 0)
                self._complete_pass()

    def _cancel_message(self, reason: str) -> str:
        return parts.cancel_message(self.sync.pk, reason)

    def _end_cancelled(self, status: str, reason: str) -> None:
        """This part stops; the sync ends cancelled with the last part that held a lease (the
        others learn of it at their next write)."""
        self.lease.update_part(state=SyncPart.State.STOPPED, lease_token=None)
        parts.stop_waiting(self.sync.pk)
        if parts.any_leased(self.sync.pk):
            if status != SyncStatus.CANCELLING:
                reason = reason or "The connector was stopped or deleted."
                self.lease.update(status=SyncStatus.CANCELLING, error_message=reason)
            return
        super()._end_cancelled(status, reason)

    def _ending(self) -> None:
        parts.stop_all(self.sync.pk)

    def _release_and_send(self) -> None:
        self.lease.update_part(lease_token=None)
        parts.send([str(self.part.pk)])
