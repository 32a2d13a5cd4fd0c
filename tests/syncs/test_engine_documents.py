"""What a sync stores: documents upserted by external id, unchanged ones left alone, updates,
pruning by pass, task runs handed on, all with the real ``sample-data`` reader."""

import pytest

from syncs.engine import runner
from syncs.models import Document, SyncStatus

pytestmark = pytest.mark.database


def _documents(connector):
    return Document.objects.filter(connector=connector)


def _live_ids(connector) -> set[str]:
    return set(
        _documents(connector).filter(deleted_at__isnull=True).values_list("external_id", flat=True)
    )


def test_a_first_sync_stores_every_document(make_sample_connector, sync_to_end, monkeypatch):
    connector = make_sample_connector(document_count=250, document_size=300)
    events = []
    monkeypatch.setattr(runner, "emit", lambda name, **data: events.append((name, data)))
    sync = sync_to_end(connector)

    assert sync.status == SyncStatus.SUCCEEDED
    assert (sync.documents_seen, sync.documents_created, sync.documents_unchanged) == (250, 250, 0)
    assert (sync.progress_done, sync.progress_total) == (250, 250)
    assert sync.attempts == 1 and sync.lease_token is None
    assert sync.started_at <= sync.heartbeat_at <= sync.finished_at
    assert sync.checkpoint["reader"] == {"next": 250} and sync.checkpoint["done"] == 250
    assert _live_ids(connector) == {f"sample-{i}" for i in range(250)}
    document = _documents(connector).get(external_id="sample-7")
    assert document.title == "Sample document 7"
    assert document.size == len(document.content) == 300
    assert len(document.content_hash) == 64
    assert str(document.last_pass_id) == sync.checkpoint["pass"]
    connector.refresh_from_db()
    assert connector.cursor is None
    assert [line.message for line in sync.log_lines.all()] == [
        "Started (manual). Reading the whole source; documents no longer there will be marked "
        "deleted.",
        "Finished: 250 new, 0 updated, 0 unchanged, 0 deleted.",
    ]
    assert [(name, data["obj"].pk) for name, data in events] == [
        ("sync.started", sync.pk),
        ("sync.finished", sync.pk),
    ]
    assert events[0][1]["trigger"] == "manual"
    assert events[1][1]["status"] == SyncStatus.SUCCEEDED
    assert events[1][1]["workspace_id"] == connector.workspace_id


def test_unchanged_documents_are_not_rewritten(make_sample_connector, sync_to_end):
    connector = make_sample_connector(document_count=120)
    sync_to_end(connector)
    # Change a stored row behind the engine's back: an unchanged source hash must not rewrite it.
    _documents(connector).filter(external_id="sample-3").update(title="kept as stored")
    before = dict(_documents(connector).values_list("external_id", "id"))

    again = sync_to_end(connector)

    assert (again.documents_created, again.documents_updated, again.documents_unchanged) == (
        0,
        0,
        120,
    )
    assert _documents(connector).get(external_id="sample-3").title == "kept as stored"
    assert dict(_documents(connector).values_list("external_id", "id")) == before
    passes = set(_documents(connector).values_list("last_pass_id", flat=True))
    assert passes == {__import__("uuid").UUID(again.checkpoint["pass"])}


def test_changed_content_is_updated(make_sample_connector, sync_to_end, owner):
    from connectors import services

    connector = make_sample_connector(document_count=40, content_version=1)
    sync_to_end(connector)
    first_seen = _documents(connector).get(external_id="sample-0").first_seen_at
    services.connector_update(
        actor=owner, connector=connector, config={"document_count": 40, "content_version": 2}
    )
    connector.refresh_from_db()
    from connectors.tasks import check_connector

    check_connector(str(connector.pk), str(connector.check_token))

    again = sync_to_end(connector)

    assert (again.documents_created, again.documents_updated, again.documents_unchanged) == (
        0,
        40,
        0,
    )
    document = _documents(connector).get(external_id="sample-0")
    assert "version 2" in document.content
    assert document.first_seen_at == first_seen


def test_documents_gone_from_the_source_are_marked_deleted_then_restored(
    make_sample_connector, sync_to_end, owner
):
    from connectors.models import Connector

    connector = make_sample_connector(document_count=100)
    sync_to_end(connector)
    Connector.objects.filter(pk=connector.pk).update(config={"document_count": 70})
    connector.refresh_from_db()

    shrunk = sync_to_end(connector)

    assert (shrunk.documents_unchanged, shrunk.documents_deleted) == (70, 30)
    assert _live_ids(connector) == {f"sample-{i}" for i in range(70)}
    assert _documents(connector).filter(deleted_at__isnull=False).count() == 30

    Connector.objects.filter(pk=connector.pk).update(config={"document_count": 100})
    connector.refresh_from_db()
    grown = sync_to_end(connector)
    assert (grown.documents_created, grown.documents_unchanged, grown.documents_deleted) == (
        30,
        70,
        0,
    )
    assert _live_ids(connector) == {f"sample-{i}" for i in range(100)}


def test_max_batches_hands_the_sync_on_to_a_fresh_task(
    make_sample_connector, owner, django_capture_on_commit_callbacks, monkeypatch
):
    from syncs import engine
    from syncs import services as sync_services
    from syncs.models import SyncTrigger
    from syncs.tasks import run_sync

    sent = []
    monkeypatch.setattr(run_sync, "delay", sent.append)

    connector = make_sample_connector(
        document_count=50, operations_config={"batch_size": 7, "max_batches": 3}
    )
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    runs = 0
    while True:
        with django_capture_on_commit_callbacks(execute=True):
            engine.run(sync.pk)
        runs += 1
        sync.refresh_from_db()
        if sync.status != SyncStatus.RUNNING:
            break
        # Between task runs: still running (still the active sync), no lease, progress kept,
        # and the next task run is enqueued once the hand-on commits.
        assert sync.lease_token is None
        assert sync.progress_done == min(50, runs * 21)
        assert sent == [str(sync.pk)] * runs

    assert len(sent) == 2
    assert runs == 3  # 8 batches of at most 7, three per task run
    assert sync.status == SyncStatus.SUCCEEDED
    assert sync.attempts == 1
    assert sync.documents_created == 50
    assert _documents(connector).count() == 50


def test_a_task_run_reads_on_past_max_batches_until_its_least_time(
    make_sample_connector, owner, django_capture_on_commit_callbacks, monkeypatch, settings
):
    from syncs import engine
    from syncs import services as sync_services
    from syncs.models import SyncTrigger
    from syncs.tasks import run_sync

    settings.CONNECTOR_HUB_SYNC_TASK_SECONDS = 3600
    sent = []
    monkeypatch.setattr(run_sync, "delay", sent.append)
    connector = make_sample_connector(
        document_count=50, operations_config={"batch_size": 7, "max_batches": 3}
    )
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)

    with django_capture_on_commit_callbacks(execute=True):
        engine.run(sync.pk)

    sync.refresh_from_db()
    assert sent == []  # eight batches in one task run: no hand-on
    assert sync.status == SyncStatus.SUCCEEDED
    assert sync.documents_created == 50


def test_a_duplicate_task_message_does_nothing(make_sample_connector, owner):
    from syncs import engine
    from syncs import services as sync_services
    from syncs.models import SyncTrigger

    connector = make_sample_connector(document_count=10)
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    engine.run(sync.pk)
    sync.refresh_from_db()
    finished_at = sync.finished_at
    engine.run(sync.pk)  # a redelivered message
    sync.refresh_from_db()
    assert (sync.status, sync.finished_at, sync.attempts) == (
        SyncStatus.SUCCEEDED,
        finished_at,
        1,
    )
    assert sync.log_lines.count() == 2


def test_pruning_is_exact_across_a_pass_resumed_by_another_sync(make_sample_connector, sync_to_end):
    from connectors.models import Connector

    connector = make_sample_connector(document_count=300, operations_config={"batch_size": 50})
    sync_to_end(connector)
    # The source shrinks to 250 documents; the next pass is cut short after 100 documents.
    Connector.objects.filter(pk=connector.pk).update(
        config={
            "document_count": 250,
            "fail_after": 100,
            "fail_retryable": False,
            "operations_config": {"batch_size": 50},
        }
    )
    connector.refresh_from_db()
    interrupted = sync_to_end(connector)
    assert interrupted.status == SyncStatus.FAILED
    assert interrupted.documents_deleted == 0
    assert _documents(connector).filter(deleted_at__isnull=False).count() == 0

    resumed = sync_to_end(connector)

    assert resumed.status == SyncStatus.SUCCEEDED
    assert resumed.checkpoint["pass"] == interrupted.checkpoint["pass"]
    assert (resumed.documents_seen, resumed.progress_done) == (150, 250)
    assert resumed.documents_deleted == 50
    assert _live_ids(connector) == {f"sample-{i}" for i in range(250)}


def test_a_full_sync_restarts_an_interrupted_pass_from_the_start(
    make_sample_connector, sync_to_end
):
    connector = make_sample_connector(
        document_count=200,
        fail_after=80,
        fail_retryable=False,
        operations_config={"batch_size": 40},
    )
    interrupted = sync_to_end(connector)
    assert (interrupted.status, interrupted.documents_created) == (SyncStatus.FAILED, 80)
    full = sync_to_end(connector, full=True)
    # From the start again: the failure comes back at 80 documents, in a new pass.
    assert full.status == SyncStatus.FAILED
    assert full.checkpoint["pass"] != interrupted.checkpoint["pass"]
    assert (full.documents_unchanged, full.documents_created) == (80, 0)


def test_the_kind_batch_size_reaches_the_reader(make_sample_connector, sync_to_end):
    connector = make_sample_connector(
        document_count=30, operations_config={"batch_size": 4, "max_batches": 1}
    )
    sync = sync_to_end(connector)
    # 8 batches of 4 or fewer, one per task run; the last run sees the read end after its batch
    # (no further run that would find nothing, or list a whole source again).
    assert sync.task_runs == 8
    assert sync.documents_created == 30
