"""End to end through real worker processes (file-system broker, the test database): a large
sync, handing on between task runs, cancellation, a retried failure, and a worker killed
mid-run."""

import pytest

from syncs import services as sync_services
from syncs.models import FINISHED_STATUSES, Document, Sync, SyncStatus, SyncTrigger
from tests.servers.celery_worker import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.database]


def _finished(sync: Sync, processes, timeout: float) -> Sync:
    def ended():
        sync.refresh_from_db()
        return sync.status in FINISHED_STATUSES

    wait_until(ended, timeout=timeout, message=processes.logs)
    return sync


def _external_ids(connector) -> list[str]:
    return list(Document.objects.filter(connector=connector).values_list("external_id", flat=True))


def test_a_worker_syncs_ten_thousand_documents(celery_processes, make_sample_connector, owner):
    celery_processes.worker()
    connector = make_sample_connector(
        document_count=10_000,
        document_size=200,
        operations_config={"batch_size": 500, "max_batches": 8},
    )
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    sync = _finished(sync, celery_processes, timeout=180)

    assert sync.status == SyncStatus.SUCCEEDED, (sync.error_message, celery_processes.logs())
    assert (sync.documents_created, sync.documents_seen) == (10_000, 10_000)
    assert (sync.progress_done, sync.progress_total, sync.percent) == (10_000, 10_000, 100)
    assert sync.attempts == 1
    ids = _external_ids(connector)
    assert len(ids) == len(set(ids)) == 10_000
    assert set(ids) == {f"sample-{i}" for i in range(10_000)}
    connector.refresh_from_db()
    assert connector.cursor is None  # a completed whole-source pass starts over next time
    assert sync.log_lines.last().message.startswith("Finished: 10000 new")


def _progress_at_least(sync: Sync, done: int, processes):
    def reached():
        sync.refresh_from_db()
        assert sync.status not in FINISHED_STATUSES, (sync.error_message, processes.logs())
        return sync.progress_done >= done

    wait_until(reached, timeout=60, message=processes.logs)


def test_cancel_mid_run_keeps_what_was_imported(celery_processes, make_sample_connector, owner):
    celery_processes.worker()
    connector = make_sample_connector(
        document_count=1000, batch_delay=0.05, operations_config={"batch_size": 20}
    )
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    _progress_at_least(sync, 100, celery_processes)

    sync_services.sync_cancel(actor=owner, sync=sync)
    sync.refresh_from_db()
    # The worker may notice the request before this process reads the sync again.
    assert sync.status in (SyncStatus.CANCELLING, SyncStatus.CANCELLED)
    sync = _finished(sync, celery_processes, timeout=60)

    assert sync.status == SyncStatus.CANCELLED
    kept = Document.objects.filter(connector=connector).count()
    assert 100 <= kept < 1000
    assert sync.documents_created == sync.progress_done == kept
    connector.refresh_from_db()
    assert sync.checkpoint["reader"] == connector.cursor["reader"] == {"next": kept}
    assert "Cancelled after" in sync.log_lines.last().message

    again = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    again = _finished(again, celery_processes, timeout=60)
    assert again.status == SyncStatus.SUCCEEDED
    assert again.documents_created == 1000 - kept
    assert again.documents_unchanged == 0
    assert sorted(_external_ids(connector)) == sorted(f"sample-{i}" for i in range(1000))


def test_a_retryable_failure_is_retried_and_the_sync_succeeds(
    celery_processes, make_sample_connector, owner
):
    celery_processes.worker(env={"CONNECTOR_HUB_SYNC_RETRY_BACKOFF": "0.2"})
    connector = make_sample_connector(
        document_count=500, fail_after=230, operations_config={"batch_size": 50}
    )
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    sync = _finished(sync, celery_processes, timeout=60)

    assert sync.status == SyncStatus.SUCCEEDED, (sync.error_message, celery_processes.logs())
    assert sync.attempts == 2
    assert sync.documents_created == 500
    assert sync.documents_unchanged == 0
    messages = list(sync.log_lines.values_list("message", flat=True))
    assert any(m.startswith("Temporary error (SampleFailure)") for m in messages), messages
    assert Document.objects.filter(connector=connector).count() == 500


def test_a_killed_worker_loses_and_duplicates_nothing(
    celery_processes, make_sample_connector, owner
):
    first_worker = celery_processes.worker()
    connector = make_sample_connector(
        document_count=1000, batch_delay=0.05, operations_config={"batch_size": 20}
    )
    lost = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    _progress_at_least(lost, 200, celery_processes)

    first_worker.kill()
    lost.refresh_from_db()
    assert lost.status == SyncStatus.RUNNING  # nobody knows yet
    imported = Document.objects.filter(connector=connector).count()
    assert imported == lost.documents_created == lost.progress_done

    short_liveness = {
        "CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT": "3",
        "CONNECTOR_HUB_SYNC_LIVENESS_INTERVAL": "1",
        "CONNECTOR_HUB_SYNC_MAX_ATTEMPTS": "1",  # given up at once: resumed by the next sync
    }
    celery_processes.worker(env=short_liveness)
    celery_processes.beat(env=short_liveness)
    lost = _finished(lost, celery_processes, timeout=30)
    assert lost.status == SyncStatus.FAILED
    assert (lost.error_origin, lost.error_type, lost.error_retryable) == (
        "worker",
        "WorkerLost",
        True,
    )
    assert "stopped responding" in lost.error_message

    resumed = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    resumed = _finished(resumed, celery_processes, timeout=60)
    assert resumed.status == SyncStatus.SUCCEEDED, (resumed.error_message, celery_processes.logs())
    assert lost.documents_created + resumed.documents_created == 1000
    assert (resumed.documents_unchanged, resumed.documents_deleted) == (0, 0)
    assert resumed.progress_done == 1000
    ids = _external_ids(connector)
    assert sorted(ids) == sorted(f"sample-{i}" for i in range(1000))
    assert not Document.objects.filter(connector=connector, deleted_at__isnull=False).exists()


def test_a_sync_whose_workers_are_killed_twice_finishes_on_its_own(
    celery_processes, make_sample_connector, owner
):
    """SIGKILL the worker mid-sync, then the worker of the second attempt: the third attempt
    finishes the sync from the last checkpoint, every document stored exactly once."""
    quick_recovery = {
        "CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT": "3",
        "CONNECTOR_HUB_SYNC_LIVENESS_INTERVAL": "1",
        "CONNECTOR_HUB_SYNC_RETRY_BACKOFF": "0.2",
        "CONNECTOR_HUB_SYNC_COMMIT_SECONDS": "0.2",
    }
    worker = celery_processes.worker(env=quick_recovery)
    celery_processes.beat(env=quick_recovery)
    connector = make_sample_connector(
        document_count=4000, batch_delay=0.05, operations_config={"batch_size": 20}
    )
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    progress_at_kill = 0
    for attempt in (1, 2):

        def attempt_under_way(attempt=attempt, after=progress_at_kill):
            sync.refresh_from_db()
            assert sync.status not in FINISHED_STATUSES, (sync.error_message, sync.status)
            return sync.attempts == attempt and sync.progress_done >= after + 300

        wait_until(attempt_under_way, timeout=120, message=celery_processes.logs)
        worker.kill()
        sync.refresh_from_db()
        progress_at_kill = sync.progress_done
        assert Document.objects.filter(connector=connector).count() == progress_at_kill
        worker = celery_processes.worker(env=quick_recovery)

    sync = _finished(sync, celery_processes, timeout=180)
    assert sync.status == SyncStatus.SUCCEEDED, (sync.error_message, celery_processes.logs())
    assert sync.attempts == 3
    assert (sync.documents_created, sync.documents_unchanged, sync.progress_done) == (4000, 0, 4000)
    ids = _external_ids(connector)
    assert sorted(ids) == sorted(f"sample-{i}" for i in range(4000))
    records = list(sync.attempt_records.all())
    assert [a.outcome for a in records] == ["worker_lost", "worker_lost", "succeeded"]
    assert sum(a.documents for a in records) == 4000
    assert all(a.started_at and a.finished_at for a in records)
