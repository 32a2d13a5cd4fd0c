"""One sync read in parts (``syncs.engine.parts``), driven task run by task run in this process:
every document once, one progress, pruning once at the end, a part's failure or a cancel stops
every part, a lost part resumes from its own checkpoint."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connectors.models import Connector
from registry.sources.base import Batch, Source, SourceDocument, SourceError, Split
from syncs import engine, liveness
from syncs import services as sync_services
from syncs.models import Document, Sync, SyncPart, SyncStatus, SyncTrigger

pytestmark = pytest.mark.database

DOCUMENTS = 90


class Numbered(Source):
    """Documents n0..n89 in three parts of 30, read two documents a batch."""

    incremental = True
    skip: set = set()
    fail_in_part: int | None = None

    def split(self, parts, *, least):
        starts = range(0, DOCUMENTS, DOCUMENTS // parts)
        cursors = [{"part": [start, start + DOCUMENTS // parts]} for start in starts]
        return Split(parts=cursors, total=DOCUMENTS, after={"next": DOCUMENTS})

    def read(self, cursor):
        cursor = cursor or {}
        low, high = cursor.get("part") or [0, DOCUMENTS]
        start = cursor.get("next", low)
        if cursor.get("next", 0) >= DOCUMENTS and "part" not in cursor:
            return  # nothing changed since the split read
        for n in range(start, high, 2):
            if self.fail_in_part is not None and low == self.fail_in_part:
                raise SourceError("The source refused this part.")
            documents = [
                SourceDocument(external_id=f"n{i}", content=f"document {i}")
                for i in (n, n + 1)
                if i < high and i not in self.skip
            ]
            yield Batch(documents=documents, cursor={"part": [low, high], "next": n + 2})


@pytest.fixture
def split_into_three(settings):
    settings.CONNECTOR_HUB_SYNC_PARTS = 3
    settings.CONNECTOR_HUB_SYNC_MAX_BATCHES = 4
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_INTERVAL = 0
    Numbered.skip, Numbered.fail_in_part = set(), None


def _start(connector, owner, *, full=False) -> Sync:
    sync = sync_services.sync_trigger(
        actor=owner, connector=connector, trigger=SyncTrigger.MANUAL, full=full
    )
    engine.run(sync.pk)  # the first task run splits the read and reads the first part
    return sync


def _part_ids(sync) -> list:
    return list(SyncPart.objects.filter(sync=sync).values_list("pk", flat=True))


def _run_parts_in_turn(sync, *, limit=200) -> Sync:
    """Each part's next task run in turn (as workers would, interleaved) until the sync ends."""
    for _ in range(limit):
        sync.refresh_from_db()
        if sync.status not in (SyncStatus.RUNNING, SyncStatus.CANCELLING):
            return sync
        for part_id in _part_ids(sync):
            engine.run_part(part_id)
    raise AssertionError("the sync never ended")


def test_a_split_sync_reads_every_document_once_and_prunes_once(
    scripted_connector, owner, split_into_three
):
    connector = scripted_connector(Numbered)
    sync = _start(connector, owner)

    # The task run that split the read went on with the first part: four batches, then handed on.
    done = SyncPart.objects.filter(sync=sync).values_list("number", "done", "lease_token")
    assert list(done) == [(1, 8, None), (2, 0, None), (3, 0, None)]
    sync.refresh_from_db()
    assert (sync.status, sync.lease_token, sync.progress_total) == (
        SyncStatus.RUNNING,
        None,
        DOCUMENTS,
    )
    engine.run(sync.pk)  # a task of the sync itself now only sends its parts' tasks again
    assert not SyncPart.objects.filter(sync=sync, lease_token__isnull=False).exists()

    sync = _run_parts_in_turn(sync)
    assert sync.status == SyncStatus.SUCCEEDED
    assert (sync.documents_created, sync.progress_done) == (DOCUMENTS, DOCUMENTS)
    assert sync.percent == 100
    assert Document.objects.filter(connector=connector).count() == DOCUMENTS
    assert set(SyncPart.objects.filter(sync=sync).values_list("state", flat=True)) == {"done"}
    connector.refresh_from_db()
    assert connector.cursor == {"reader": {"next": DOCUMENTS}}  # the next sync goes on after
    assert sync.attempts == 1 and sync.attempt_records.count() == 1

    Numbered.skip = {5, 61}
    full = _run_parts_in_turn(_start(connector, owner, full=True))
    assert (full.status, full.documents_unchanged, full.documents_deleted) == (
        SyncStatus.SUCCEEDED,
        DOCUMENTS - 2,
        2,
    )
    gone = Document.objects.filter(connector=connector, deleted_at__isnull=False)
    assert set(gone.values_list("external_id", flat=True)) == {"n5", "n61"}


def test_a_failing_part_fails_the_sync_and_stops_the_others(
    scripted_connector, owner, split_into_three
):
    Numbered.fail_in_part = 30
    sync = _run_parts_in_turn(_start(scripted_connector(Numbered), owner))

    assert sync.status == SyncStatus.FAILED
    assert sync.error_message == "The source refused this part."
    states = set(SyncPart.objects.filter(sync=sync).values_list("state", flat=True))
    assert "waiting" not in states
    assert not SyncPart.objects.filter(sync=sync, lease_token__isnull=False).exists()


def test_a_cancel_stops_every_part_and_ends_the_sync_once(
    scripted_connector, owner, split_into_three
):
    connector = scripted_connector(Numbered)
    sync = _start(connector, owner)
    sync_services.sync_cancel(actor=owner, sync=Sync.objects.get(pk=sync.pk))

    sync = _run_parts_in_turn(sync)
    assert sync.status == SyncStatus.CANCELLED
    assert sync.log_lines.last().message.startswith("Cancelled after 8 documents")
    assert Document.objects.filter(connector=connector).count() == 8
    assert set(SyncPart.objects.filter(sync=sync).values_list("state", flat=True)) == {"stopped"}


def test_a_part_whose_worker_died_resumes_from_its_own_checkpoint(
    scripted_connector, owner, split_into_three, settings
):
    connector = scripted_connector(Numbered)
    sync = _start(connector, owner)
    first = _part_ids(sync)[0]
    # Its worker dies holding the lease after the part's first task run stored 8 documents.
    SyncPart.objects.filter(pk=first).update(lease_token=sync.pk, heartbeat_at=timezone.now())
    assert engine.run_part(first) is None  # leased: a duplicate task does nothing
    later = timezone.now() + timedelta(seconds=settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT + 1)
    assert liveness.recover_lost_parts(now=later) == 1
    part = SyncPart.objects.get(pk=first)
    assert (part.lost, part.done, part.lease_token) == (1, 8, None)
    SyncPart.objects.filter(pk=first).update(next_attempt_at=None)  # the back-off has passed

    sync = _run_parts_in_turn(sync)
    assert (sync.status, sync.documents_created) == (SyncStatus.SUCCEEDED, DOCUMENTS)
    assert Document.objects.filter(connector=connector).count() == DOCUMENTS
    assert any(
        "part 1 of this sync stopped responding" in m
        for m in sync.log_lines.values_list("message", flat=True)
    )


def test_a_small_source_or_one_worker_stays_one_read(scripted_connector, owner, settings):
    settings.CONNECTOR_HUB_SYNC_PARTS = 0  # as many as workers alive: none has a heartbeat here
    connector = scripted_connector(Numbered)
    sync = _start(connector, owner)
    assert not SyncPart.objects.filter(sync=sync).exists()
    sync.refresh_from_db()
    while sync.status == SyncStatus.RUNNING:
        engine.run(sync.pk)
        sync.refresh_from_db()
    assert (sync.status, sync.documents_created) == (SyncStatus.SUCCEEDED, DOCUMENTS)
    assert Connector.objects.get(pk=connector.pk).cursor["reader"]["next"] == DOCUMENTS


def test_parts_store_at_the_same_time_and_a_decision_waits_for_them(
    transactional_db, scripted_connector, owner, split_into_three
):
    """A part's store locks the connector row in share mode: another part's store goes in while
    it is open, a part's exclusive write (its pass's end) waits until it commits."""
    import threading

    from django.db import OperationalError, connection

    from syncs.engine import parts

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time: its parts store one after the other")
    connector = scripted_connector(Numbered)
    sync = _start(connector, owner)
    first, second = _part_ids(sync)[:2]
    storing = parts.PartLease(sync.pk, parts.claim(first)[0].token, connector.pk, first)
    other = parts.PartLease(sync.pk, parts.claim(second)[0].token, connector.pk, second)
    inside, release, errors = threading.Event(), threading.Event(), []

    def store_and_hold():
        try:
            with storing.transaction(shared=True):
                inside.set()
                assert release.wait(30)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    holder = threading.Thread(target=store_and_hold)
    holder.start()
    try:
        assert inside.wait(30)
        with connection.cursor() as cursor:  # a wait for a lock fails instead of hanging
            cursor.execute("SET lock_timeout = '3s'")
        with other.transaction(shared=True) as status:
            assert status == SyncStatus.RUNNING
        with pytest.raises(OperationalError), other.transaction():
            pass
    finally:
        release.set()
        holder.join(30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert errors == []
    with other.transaction() as status:  # granted once the other part's store committed
        assert status == SyncStatus.RUNNING
