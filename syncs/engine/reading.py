"""Reading a source and storing what it hands over, in write groups (the part of ``SyncRun``
between its start and its end).

``_store_group`` is the write transaction: it proves the lease, stores the group's documents,
deletions and listed ids, and saves the counters, progress, checkpoint and connector's cursor.
"""

import logging
import time
from dataclasses import replace

from django.db.models import F
from django.utils import timezone

from syncs import document_stats
from syncs.engine import documents, listing
from syncs.engine.ends import CANCELLED, EXHAUSTED, HANDED_ON, PASS_RESET, PassReset, RunEnd
from syncs.engine.groups import WriteGroup
from syncs.engine.lease import LeaseLost
from syncs.engine.readahead import Exhausted, Failed, Inline, LogLine, ReadAhead
from syncs.feed.events import announce
from syncs.models import SyncLogLine, SyncStatus

logger = logging.getLogger("syncs.engine.runner")


class ReadsAndStores:
    """Mixed into ``SyncRun``, whose ``_read_with_retries`` calls ``_read_once``."""

    def _read_once(self):
        reader = self.reader_class(self.config, self.context)
        if getattr(reader, "read_ahead", False):
            source = ReadAhead(
                reader,
                self.state.reader,
                self.context,
                documents=self.limits.rows,
                characters=self.limits.characters,
            )
        else:
            source = Inline(reader, self.state.reader)
        group = WriteGroup()
        try:
            return self._consume(source, group, grouped=isinstance(source, ReadAhead))
        except BaseException as error:
            if group.batches and not isinstance(error, LeaseLost | PassReset):
                # What the reader handed over before failing is stored, then the error counts.
                self._commit(group)
            raise
        finally:
            try:
                source.close()
            finally:
                try:
                    reader.close()
                except Exception:
                    logger.warning("Sync %s: closing the reader failed.", self.lease.sync_id)

    def _consume(self, source, group: "WriteGroup", *, grouped: bool):
        """Take batches from the source and commit them in write groups: every batch alone for a
        reader in this thread; otherwise up to ``limits.rows`` documents, ``limits.characters``
        of content or ``limits.seconds`` of reading, whichever comes first."""
        limits = self.limits
        while True:
            wait = self.context.interval if not group.batches else limits.seconds - group.age()
            item = source.next(timeout=max(0.0, min(wait, self.context.interval)))
            if item is None:
                if group.batches and group.age() >= limits.seconds:
                    if (status := self._commit(group)) is not None:
                        return status
                else:
                    self.context.heartbeat()
                continue
            if isinstance(item, Failed):
                raise item.error
            if isinstance(item, LogLine):
                self.context.log(item.message, item.level)
                continue
            if isinstance(item, Exhausted):
                if group.batches and (status := self._commit(group)) is not None:
                    return status
                return EXHAUSTED
            group.add(item)
            run_ends = self._share_done(self.batches + len(group.batches))
            commit_now = not grouped or run_ends or group.full(limits)
            if commit_now and (status := self._commit(group)) is not None:
                if status == HANDED_ON and not self._more_to_read(source):
                    return EXHAUSTED
                return status

    def _more_to_read(self, source) -> bool:
        """At the end of a task run's batches: whether the read goes on (what it reads next is
        read again by the next task run). A reader whose read ended exactly here ends the sync
        instead of handing on to a run that would read it all again."""
        while True:
            item = source.next(timeout=self.context.interval)
            if item is None:
                self.context.heartbeat()
            elif isinstance(item, LogLine):
                self.context.log(item.message, item.level)
            elif isinstance(item, Failed):
                raise item.error
            else:
                return not isinstance(item, Exhausted)

    def _commit(self, group: "WriteGroup") -> RunEnd | None:
        """Store the group; None to read on, or how the read ends (PASS_RESET, CANCELLED,
        HANDED_ON)."""
        batches = len(group.batches)
        try:
            status = self._store_group(group)
        except PassReset:
            return PASS_RESET
        finally:
            group.clear()
        self.retries = 0
        self.batches += batches
        if status == SyncStatus.CANCELLING:
            return CANCELLED
        if self._share_done(self.batches):
            return HANDED_ON
        return None

    def _share_done(self, batches: int) -> bool:
        """Whether this task run has done its share: ``max_batches`` batches, and reading for at
        least ``CONNECTOR_HUB_SYNC_TASK_SECONDS`` (a hand-on costs a task round trip and a new
        read; a kind's few small batches alone would make it the larger cost)."""
        return (
            batches >= self.max_batches
            and time.monotonic() - self.run_started >= self.least_seconds
        )

    def _announce(self, *, upserts: int = 0, deletes: int = 0) -> None:
        """``documents.changed`` once the write transaction commits."""
        announce(
            connector=self.connector,
            upserts=upserts,
            deletes=deletes,
            reason="sync",
            sync=self.sync,
        )

    def _save_progress(self, state, counters: dict, total: int | None) -> None:
        """Inside the write transaction: the sync's counters and progress, its checkpoint and
        the connector's cursor."""
        snapshot = state.as_json()
        fields = {**counters, "progress_done": state.done, "checkpoint": snapshot}
        if total is not None:
            fields["progress_total"] = max(0, int(total))
        self.lease.update(**fields)
        self._save_cursor(snapshot)

    def _store_group(self, group: "WriteGroup") -> str:
        """The write transaction: the group's documents, deletions, counters, progress,
        checkpoint and the connector's cursor, after proving the lease. Returns the sync's
        status."""
        now = timezone.now()
        totals, rejected = documents.Counts(), []
        with self.lease.transaction(shared=True) as status:
            if not self._pass_is_current():
                raise PassReset()
            state = self.state
            pending: list = []
            pending_ids: set = set()

            def flush(state):
                counts, refused = self.writer.write(pending, state.pass_id, now)
                totals.add(counts)
                rejected.extend(refused)
                pending.clear()
                pending_ids.clear()
                return state.after_batch(state.reader, counts.seen)

            for batch in group.batches:
                if batch.starts_full_pass:
                    state = flush(state).restarted()
                    self.writer.fresh = False
                    self.log.write(
                        "The source is listed in full again from here; documents it no longer "
                        "lists will be marked deleted at the end."
                    )
                batch_documents = list(batch.documents or ())
                ids = {d.external_id for d in batch_documents if isinstance(d.external_id, str)}
                if ids & pending_ids:
                    state = flush(state)  # each batch's own last copy of an id wins, in order
                pending.extend(batch_documents)
                pending_ids |= ids
                if batch.deleted_external_ids:
                    state = flush(state)
                    totals.deleted += self.writer.mark_deleted(
                        list(batch.deleted_external_ids), now
                    )
                if batch.listed_external_ids:
                    listing.record(self.connector.pk, state.pass_id, batch.listed_external_ids)
                if batch.listing_complete:
                    state = flush(state)
                    totals.deleted += listing.complete(self.connector.pk, state.pass_id, now)
                state = state.after_batch(batch.cursor, 0)
            state = flush(state)
            if state.fresh and not self.writer.fresh:
                state = replace(state, fresh=False)
            self._announce(upserts=totals.created + totals.updated, deletes=totals.deleted)
            document_stats.record(
                self.connector.pk, created=totals.created, deleted=totals.deleted, now=now
            )
            fields = {
                "documents_seen": F("documents_seen") + totals.seen,
                "documents_created": F("documents_created") + totals.created,
                "documents_updated": F("documents_updated") + totals.updated,
                "documents_unchanged": F("documents_unchanged") + totals.unchanged,
                "documents_deleted": F("documents_deleted") + totals.deleted,
                "documents_failed": F("documents_failed") + totals.failed,
            }
            self._save_progress(state, fields, group.total)
            if rejected:
                self.log.write(
                    f"{len(rejected)} document(s) of this batch were not stored: an id was "
                    "missing or too long, or the source called a document unchanged that was "
                    "never stored.",
                    SyncLogLine.Level.WARNING,
                )
        self.state = state
        self.context.beaten()
        return status
