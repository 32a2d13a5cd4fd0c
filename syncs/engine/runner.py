"""Running one sync in one task, once claimed (``entry``): read batches, store them, and end it
or hand it on.

The reader's batches are stored in write groups (``groups``), each in one transaction that begins
by proving the lease and also saves the counters, progress, heartbeat, ``Sync.checkpoint`` and
the connector's cursor: a crash never leaves documents without their checkpoint or the reverse.
After ``max_batches`` source batches the task releases its lease and enqueues the same sync again,
so one task run stays short.
"""

import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from config.events import emit
from connectors import credentials
from connectors.lifecycle import State
from connectors.models import Connector
from registry.schema.secrets import secret_layout, secret_values
from registry.sources.base import Source, Split, SyncCancelled
from registry.sources.installed import implementation
from syncs import document_stats
from syncs.engine import attempts, documents, parts
from syncs.engine.context import EngineContext, SyncLog
from syncs.engine.ends import CANCELLED, PASS_RESET_MESSAGE, How, PassReset, RunEnd
from syncs.engine.failures import Failure, backoff, classify
from syncs.engine.groups import Limits
from syncs.engine.lease import Claim, Lease, LeaseLost
from syncs.engine.passes import PassState
from syncs.engine.reading import ReadsAndStores
from syncs.models import AttemptOutcome, ErrorOrigin, Sync, SyncLogLine, SyncStatus

logger = logging.getLogger(__name__)


def _positive_int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _cancellation_in(error: BaseException) -> SyncCancelled | None:
    """A reader that wrapped a cancellation in its own error still lets it through."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, SyncCancelled):
            return error
        error = error.__cause__ or error.__context__
    return None


class SyncRun(ReadsAndStores):
    def __init__(self, sync_id, claimed: Claim, *, enqueue_hand_on: bool = True):
        self.first = claimed.first
        self.enqueue_hand_on = enqueue_hand_on
        self.handed_on = False
        self.split_into: list[str] = []
        self.sync = Sync.objects.select_related("connector__definition").get(pk=sync_id)
        self.lease = self._lease(claimed)
        self.connector = self.sync.connector
        self.reader_class = implementation(self.connector.definition.implementation)
        self.incremental = bool(self.reader_class.incremental)
        self.secrets: list[str] = []
        self.log = SyncLog(self.lease, [], already=0, limit=settings.CONNECTOR_HUB_SYNC_LOG_LINES)
        self.state = PassState.resume(None)
        self.retries = 0
        self.batches = 0
        self.run_started = time.monotonic()
        self.least_seconds = max(0.0, settings.CONNECTOR_HUB_SYNC_TASK_SECONDS)
        self.limits = Limits.from_settings()
        self.writer = documents.DocumentWriter(self.connector.pk)

    def _lease(self, claimed: Claim):
        return Lease(self.sync.pk, claimed.token, self.sync.connector_id)

    # -- the run -------------------------------------------------------------------------------

    def execute(self) -> bool:
        """Run until the sync ends or is handed on; True when handed on."""
        try:
            failure = self._start()
            if failure is not None:
                self._fail(failure)
            elif self.split_into:
                pass  # the parts read the source (``entry.run`` reads the first)
            elif self._connector_gone():
                self._cancel()
            elif not self._pass_is_current():
                self._cancel(PASS_RESET_MESSAGE)
            else:
                self._end(self._read_with_retries())
        except LeaseLost:
            logger.warning("Sync %s: this task lost its lease and stops.", self.lease.sync_id)
        except Exception as error:
            logger.exception("Sync %s: the engine failed.", self.lease.sync_id)
            failure = classify(error, self.secrets)
            try:
                self._fail(Failure(ErrorOrigin.SYSTEM, failure.type, failure.message, False))
            except LeaseLost:
                pass
        return self.handed_on

    def _load_config(self) -> Failure | None:
        """The connector's full config, its secrets (kept out of the log) and operations."""
        try:
            self.config = credentials.full_config(self.connector)
        except Exception as error:
            self.context = EngineContext(self.lease, self.log)
            return classify(error, [])
        self.secrets = secret_values(secret_layout(self.connector.definition.ui_spec), self.config)
        self.log.secret_values = self.secrets
        operations = self.config.get("operations_config")
        operations = operations if isinstance(operations, dict) else {}
        self.max_batches = _positive_int(operations.get("max_batches")) or max(
            1, settings.CONNECTOR_HUB_SYNC_MAX_BATCHES
        )
        self.context = EngineContext(
            self.lease, self.log, batch_size=_positive_int(operations.get("batch_size"))
        )
        return None

    def _start(self) -> Failure | None:
        if not self.first:
            self.log.written = SyncLogLine.objects.filter(sync=self.sync).count()
        if (failure := self._load_config()) is not None:
            return failure
        if not self.first and self.sync.checkpoint is not None:
            self.state = PassState.resume(self.connector.cursor)
            self.writer.fresh = self.state.fresh
            return None
        # A queued sync, or one whose worker was lost between its claim and this point: its pass
        # begins here, in the same transaction as its first checkpoint.
        self.state = PassState.begin(
            self.connector.cursor,
            incremental=self.incremental,
            full=self.sync.full,
            empty=not documents.has_documents(self.connector.pk),
        )
        self.writer.fresh = self.state.fresh
        split = self._split() if self.state.reader is None and not self.state.done else None
        with self.lease.transaction():
            self.lease.update(checkpoint=self.state.as_json())
            self._save_cursor(self.state.as_json())
            self.log.write(f"Started ({self.sync.trigger}). {self._plan()}")
            if split is not None:
                self.split_into = parts.begin(self.sync.pk, split, self.state)
                self.log.write(
                    f"The read is split into {len(self.split_into)} parts, read by several "
                    "workers at once."
                )
                parts.send(self.split_into[1:])  # the first part is read by this task
            emit(
                "sync.started",
                actor=None,
                obj=self.sync,
                workspace_id=self.connector.workspace_id,
                connector=str(self.connector.pk),
                trigger=self.sync.trigger,
            )
        return None

    def _split(self) -> Split | None:
        """The whole-source read cut into parts for several workers, when the reader can and
        the source is big enough; None to read it here in one go."""
        if self.reader_class.split is Source.split or not self.enqueue_hand_on:
            return None
        count = parts.wanted()
        if count < 2:
            return None
        reader = self.reader_class(self.config, self.context)
        try:
            return reader.split(count, least=settings.CONNECTOR_HUB_SYNC_PART_LEAST)
        except SyncCancelled:
            raise
        except Exception as error:  # the read in one go meets it again, and retries it
            logger.warning("Sync %s: the read could not be split: %r", self.lease.sync_id, error)
            return None
        finally:
            reader.close()

    def _plan(self) -> str:
        if self.state.done:
            return f"Resuming the interrupted pass after {self.state.done} documents."
        if self.state.reader is not None:
            return "Reading what changed since the last sync."
        if self.state.prune:
            return "Reading the whole source; documents no longer there will be marked deleted."
        return "Reading the whole source."

    def _save_cursor(self, cursor: dict | None) -> None:
        Connector.all_objects.filter(pk=self.connector.pk).update(cursor=cursor)

    def _pass_is_current(self) -> bool:
        """Inside a lease transaction (the connector row is locked): whether the connector's
        cursor is still this sync's pass, i.e. nobody edited its config meanwhile."""
        stored = Connector.all_objects.filter(pk=self.connector.pk).values_list("cursor", flat=True)
        return self.state.is_current(stored.first())

    def _connector_gone(self) -> bool:
        row = Connector.all_objects.filter(pk=self.connector.pk).values("deleted_at", "state")
        row = row.first()
        if row is None or row["deleted_at"] is not None:
            return True
        return row["state"] in (State.STOPPED, State.FAILED)

    def _read_with_retries(self) -> RunEnd:
        """How the read of this task run ends (a failure once retries are spent)."""
        while True:
            try:
                return self._read_once()
            except LeaseLost:
                raise
            except Exception as error:
                cancelled = _cancellation_in(error)
                if isinstance(cancelled, LeaseLost):
                    raise cancelled from None
                if cancelled is not None:
                    return CANCELLED
                failure = classify(error, self.secrets)
            if not failure.retryable or self.retries >= settings.CONNECTOR_HUB_SYNC_MAX_RETRIES:
                return RunEnd.failed(failure)
            self.retries += 1
            if failure.origin == ErrorOrigin.SYSTEM:
                connection.close_if_unusable_or_obsolete()
            wait = backoff(
                self.retries,
                base=settings.CONNECTOR_HUB_SYNC_RETRY_BACKOFF,
                cap=settings.CONNECTOR_HUB_SYNC_RETRY_MAX_WAIT,
                retry_after=failure.retry_after,
            )
            with self.lease.transaction():
                now = timezone.now()
                attempts.end(
                    self.lease.sync_id,
                    AttemptOutcome.RETRIED,
                    f"Temporary error ({failure.type}): {failure.message}",
                    now,
                )
                self.lease.update(attempts=F("attempts") + 1)
                attempts.begin(self.lease.sync_id, now)
                self.log.write(
                    f"Temporary error ({failure.type}): {failure.message} Retrying in {wait:.1f} s "
                    f"(retry {self.retries} of {settings.CONNECTOR_HUB_SYNC_MAX_RETRIES}).",
                    SyncLogLine.Level.WARNING,
                )
            try:
                self.context.sleep(wait)
            except LeaseLost:
                raise
            except SyncCancelled:
                return CANCELLED

    # -- endings -------------------------------------------------------------------------------

    def _end(self, end: RunEnd) -> None:
        match end.how:
            case How.FAILED:
                self._fail(end.failure)
            case How.EXHAUSTED:
                self._succeed()
            case How.CANCELLED:
                self._cancel()
            case How.PASS_RESET:
                self._cancel(PASS_RESET_MESSAGE)
            case How.HANDED_ON:
                self._hand_on()

    def _finished(self, status: str) -> None:
        emit(
            "sync.finished",
            actor=None,
            obj=self.sync,
            workspace_id=self.connector.workspace_id,
            status=status,
            connector=str(self.connector.pk),
        )

    def _succeed(self) -> None:
        try:
            self._succeed_pass()
        except PassReset:
            self._cancel(PASS_RESET_MESSAGE)

    def _succeed_pass(self) -> None:
        with self.lease.transaction():
            if not self._pass_is_current():
                raise PassReset()
            self._complete_pass()

    def _complete_pass(self) -> None:
        """Inside the lease transaction of the read's end: prune, save where the reader goes on
        from, end the sync succeeded."""
        now = timezone.now()
        pruned = self.writer.prune(self.state.pass_id, now) if self.state.prune else 0
        self._announce(deletes=pruned)
        document_stats.record(self.connector.pk, deleted=pruned, now=now)
        self._save_cursor(self.state.completed(incremental=self.incremental))
        self.lease.update(documents_deleted=F("documents_deleted") + pruned)
        counts = Sync.objects.values(
            "documents_created", "documents_updated", "documents_unchanged", "documents_deleted"
        ).get(pk=self.sync.pk)
        finished = (
            "Finished: {documents_created} new, {documents_updated} updated, "
            "{documents_unchanged} unchanged, {documents_deleted} deleted.".format(**counts)
        )
        self.log.write(finished, outcome=True)
        attempts.end(self.lease.sync_id, AttemptOutcome.SUCCEEDED, finished, now)
        self.lease.update(
            status=SyncStatus.SUCCEEDED,
            finished_at=now,
            heartbeat_at=now,
            lease_token=None,
            error_message="",
        )
        self._finished(SyncStatus.SUCCEEDED)

    def _cancel(self, reason: str = "") -> None:
        with self.lease.transaction() as status:
            self._end_cancelled(status, reason)

    def _cancel_message(self, reason: str) -> str:
        if reason:
            return f"Cancelled after {self.state.done} documents of this pass: {reason}"
        return (
            f"Cancelled after {self.state.done} documents of this pass. What was imported is "
            "kept and the next sync goes on from here."
        )

    def _end_cancelled(self, status: str, reason: str) -> None:
        """Inside the lease transaction: the sync ends cancelled."""
        message = self._cancel_message(reason)
        self.log.write(message, outcome=True)
        now = timezone.now()
        attempts.end(self.lease.sync_id, AttemptOutcome.CANCELLED, message, now)
        fields = {"status": SyncStatus.CANCELLED, "finished_at": now, "heartbeat_at": now}
        if reason:
            fields["error_message"] = reason
        elif status != SyncStatus.CANCELLING:
            fields["error_message"] = "The connector was stopped or deleted."
        self.lease.update(**fields, lease_token=None)
        self._finished(SyncStatus.CANCELLED)

    def _fail(self, failure: Failure) -> None:
        message = failure.message
        if failure.retryable and self.retries:
            message = f"{message} Gave up after {self.retries + 1} attempts."
        with self.lease.transaction():
            self._ending()
            self.log.write(f"Failed: {message}", SyncLogLine.Level.ERROR, outcome=True)
            now = timezone.now()
            attempts.end(self.lease.sync_id, AttemptOutcome.FAILED, message, now)
            self.lease.update(
                status=SyncStatus.FAILED,
                finished_at=now,
                heartbeat_at=now,
                lease_token=None,
                error_origin=failure.origin,
                error_type=failure.type[:100],
                error_message=message,
                error_retryable=failure.retryable,
            )
            self._finished(SyncStatus.FAILED)

    def _ending(self) -> None:
        """Inside the transaction that fails the sync (a part stops its sibling parts)."""

    def _hand_on(self) -> None:
        with self.lease.transaction() as status:
            if status != SyncStatus.CANCELLING:
                self._release_and_send()
                self.handed_on = True
                return
        self._cancel()

    def _release_and_send(self) -> None:
        """Inside the lease transaction: release the lease and send the next task run."""
        from syncs.tasks import run_sync

        self.lease.update(lease_token=None, heartbeat_at=timezone.now())
        if self.enqueue_hand_on:
            sync_id = str(self.sync.pk)
            transaction.on_commit(lambda: run_sync.delay(sync_id))
