"""Leases, heartbeat and cancellation: only the task holding a sync's lease writes, the heartbeat
notices a cancel, and a cancelled sync keeps what it imported."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connectors import services
from registry.sources.base import Batch, Source, SourceDocument, SyncCancelled
from syncs import engine, liveness
from syncs import services as sync_services
from syncs.engine.context import EngineContext, SyncLog
from syncs.engine.lease import Lease, LeaseLost, claim
from syncs.models import Document, Sync, SyncStatus, SyncTrigger

pytestmark = pytest.mark.database


def _queued(connector, owner) -> Sync:
    return sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)


def test_a_sync_is_claimed_once(make_sample_connector, owner):
    sync = _queued(make_sample_connector(), owner)
    first = claim(sync.pk)
    assert first is not None and first.first
    assert claim(sync.pk) is None
    sync.refresh_from_db()
    assert (sync.status, sync.lease_token, sync.attempts) == (
        SyncStatus.RUNNING,
        first.token,
        1,
    )
    assert sync.started_at == sync.heartbeat_at


def test_the_heartbeat_notices_a_cancel_and_a_lost_lease(make_sample_connector, owner, settings):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_INTERVAL = 0
    sync = _queued(make_sample_connector(), owner)
    lease = Lease(sync.pk, claim(sync.pk).token, sync.connector_id)
    context = EngineContext(lease, SyncLog(lease, [], already=0, limit=10))
    context.heartbeat()

    sync_services.sync_cancel(actor=owner, sync=sync)
    with pytest.raises(SyncCancelled):
        context.heartbeat()

    Sync.objects.filter(pk=sync.pk).update(lease_token=None)
    with pytest.raises(LeaseLost):
        context.heartbeat()
    with pytest.raises(LeaseLost), lease.transaction():
        pass


def test_the_heartbeat_is_throttled(make_sample_connector, owner, settings):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_INTERVAL = 3600
    sync = _queued(make_sample_connector(), owner)
    lease = Lease(sync.pk, claim(sync.pk).token, sync.connector_id)
    context = EngineContext(lease, SyncLog(lease, [], already=0, limit=10))
    Sync.objects.filter(pk=sync.pk).update(heartbeat_at=None)
    context.heartbeat()
    assert Sync.objects.get(pk=sync.pk).heartbeat_at is None


class CancelledMidway(Source):
    """Its third batch is read after someone cancelled the sync."""

    on_second_batch = staticmethod(lambda: None)

    def read(self, cursor):
        start = (cursor or {}).get("next", 0)
        for n in range(start, 10):
            if n == 2:
                self.on_second_batch()
            yield Batch(
                documents=[SourceDocument(external_id=f"d{n}", content=str(n))],
                cursor={"next": n + 1},
            )


def test_a_cancelled_sync_keeps_what_it_imported(scripted_connector, owner, sync_to_end):
    connector = scripted_connector(CancelledMidway)
    CancelledMidway.on_second_batch = staticmethod(
        lambda: sync_services.sync_cancel_active(actor=owner, connector=connector)
    )
    sync = sync_to_end(connector)
    assert sync.status == SyncStatus.CANCELLED
    assert sync.error_message == "Cancelled by request."
    # The batch being stored when the cancel came is kept too; nothing after it is read.
    assert sync.documents_created == 3
    assert Document.objects.filter(connector=connector).count() == 3
    connector.refresh_from_db()
    assert connector.cursor["reader"] == sync.checkpoint["reader"] == {"next": 3}
    assert sync.log_lines.last().message.startswith("Cancelled after 3 documents")

    CancelledMidway.on_second_batch = staticmethod(lambda: None)
    resumed = sync_to_end(connector)
    assert (resumed.status, resumed.documents_created, resumed.progress_done) == (
        SyncStatus.SUCCEEDED,
        7,
        10,
    )


def test_deleting_the_connector_cancels_its_running_sync(scripted_connector, owner, sync_to_end):
    connector = scripted_connector(CancelledMidway)
    CancelledMidway.on_second_batch = staticmethod(
        lambda: services.connector_delete(actor=owner, connector=connector)
    )
    try:
        sync = sync_to_end(connector)
    finally:
        CancelledMidway.on_second_batch = staticmethod(lambda: None)
    assert sync.status == SyncStatus.CANCELLED
    assert sync.error_message == "The connector was deleted."


class LosesItsLease(Source):
    """While its second batch is read, liveness gives the sync up (a worker too slow)."""

    def read(self, cursor):
        yield Batch(documents=[SourceDocument(external_id="first", content="1")])
        liveness.recover_lost_syncs(now=timezone.now() + timedelta(hours=1))
        yield Batch(documents=[SourceDocument(external_id="second", content="2")])
        yield Batch(documents=[SourceDocument(external_id="third", content="3")])


def test_a_task_that_lost_its_lease_writes_nothing_more(scripted_connector, sync_to_end, settings):
    settings.CONNECTOR_HUB_SYNC_MAX_ATTEMPTS = 1  # given up at once, not retried
    connector = scripted_connector(LosesItsLease)
    sync = sync_to_end(connector)
    assert (sync.status, sync.error_type) == (SyncStatus.FAILED, "WorkerLost")
    assert list(
        Document.objects.filter(connector=connector).values_list("external_id", flat=True)
    ) == ["first"]
    assert sync.documents_created == 1
    messages = list(sync.log_lines.values_list("message", flat=True))
    assert len(messages) == 2 and messages[-1].startswith("Failed: The worker running this sync")


def test_a_finished_or_unknown_sync_is_left_alone(make_sample_connector, owner):
    import uuid

    engine.run(uuid.uuid4())
    sync = _queued(make_sample_connector(), owner)
    sync_services.sync_cancel(actor=owner, sync=sync)
    engine.run(sync.pk)
    sync.refresh_from_db()
    assert (sync.status, sync.started_at, sync.log_lines.count()) == (
        SyncStatus.CANCELLED,
        None,
        0,
    )


def test_a_stop_arriving_during_a_batch_waits_for_it(
    transactional_db, make_sample_connector, owner, monkeypatch
):
    import threading
    import time

    from django.db import connection

    from connectors.lifecycle import State
    from connectors.models import Connector
    from connectors.tasks import check_connector
    from syncs.tasks import run_sync

    monkeypatch.setattr(check_connector, "delay", lambda *args: None)
    monkeypatch.setattr(run_sync, "delay", lambda *args: None)
    connector = make_sample_connector()
    sync = _queued(connector, owner)
    lease = Lease(sync.pk, claim(sync.pk).token, connector.pk)
    inside, errors = threading.Event(), []

    def store_a_batch():
        try:
            with lease.transaction():
                inside.set()
                time.sleep(0.5)  # the stop request arrives meanwhile
                lease.update(progress_done=1)
                Connector.all_objects.filter(pk=connector.pk).update(cursor={"reader": {"n": 1}})
        except Exception as error:  # a deadlock would surface here or in the stop
            errors.append(error)
        finally:
            connection.close()

    batch = threading.Thread(target=store_a_batch)
    batch.start()
    assert inside.wait(10)
    services.connector_stop(actor=owner, connector=connector)
    batch.join(10)

    assert errors == []
    connector.refresh_from_db()
    sync.refresh_from_db()
    assert connector.state == State.STOPPED
    assert connector.cursor == {"reader": {"n": 1}}
    assert (sync.status, sync.progress_done) == (SyncStatus.CANCELLING, 1)
