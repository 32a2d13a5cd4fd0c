"""One sync read by two real workers at once, one of them killed: the parts of the read run side
by side under the one sync, the killed worker's part resumes from its own checkpoint on the
replacement, and every document is stored exactly once."""

import pytest

from syncs import services as sync_services
from syncs.models import FINISHED_STATUSES, Document, SyncPart, SyncStatus, SyncTrigger
from tests.servers.celery_worker import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.database]

DOCUMENTS = 3000
IN_PARTS = {
    "CONNECTOR_HUB_SYNC_PARTS": "3",
    "CONNECTOR_HUB_SYNC_PART_LEAST": "500",
    "CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT": "3",
    "CONNECTOR_HUB_SYNC_LIVENESS_INTERVAL": "1",
    "CONNECTOR_HUB_SYNC_RETRY_BACKOFF": "0.2",
    "CONNECTOR_HUB_SYNC_COMMIT_SECONDS": "0.2",
}


def test_two_workers_read_one_sync_in_parts_and_a_killed_one_loses_nothing(
    celery_processes, make_sample_connector, owner
):
    first = celery_processes.worker(env=IN_PARTS)
    celery_processes.worker(env=IN_PARTS)
    celery_processes.beat(env=IN_PARTS)
    connector = make_sample_connector(
        document_count=DOCUMENTS, batch_delay=0.03, operations_config={"batch_size": 20}
    )
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)

    def two_parts_read_at_once():
        leased = SyncPart.objects.filter(sync=sync, lease_token__isnull=False)
        return leased.count() == 2 and leased.filter(done__gt=0).count() == 2

    wait_until(two_parts_read_at_once, timeout=60, message=celery_processes.logs)
    first.kill()
    celery_processes.worker(env=IN_PARTS)

    def ended():
        sync.refresh_from_db()
        return sync.status in FINISHED_STATUSES

    wait_until(ended, timeout=120, message=celery_processes.logs)
    assert sync.status == SyncStatus.SUCCEEDED, (sync.error_message, celery_processes.logs())
    assert (sync.documents_created, sync.progress_done, sync.progress_total) == (
        DOCUMENTS,
        DOCUMENTS,
        DOCUMENTS,
    )
    ids = list(Document.objects.filter(connector=connector).values_list("external_id", flat=True))
    assert sorted(ids) == sorted(f"sample-{i}" for i in range(DOCUMENTS))
    parts = SyncPart.objects.filter(sync=sync)
    assert [(part.state, part.done) for part in parts] == [("done", 1000)] * 3
    messages = list(sync.log_lines.values_list("message", flat=True))
    assert "The read is split into 3 parts, read by several workers at once." in messages
    assert messages[-1].startswith("Finished: 3000 new")


def test_one_worker_of_two_processes_reads_a_sync_in_two_parts(
    celery_processes, make_sample_connector, owner
):
    from ops import heartbeats

    as_many_as_processes = {**IN_PARTS, "CONNECTOR_HUB_SYNC_PARTS": "0"}
    celery_processes.worker(concurrency=2, env=as_many_as_processes)
    wait_until(
        lambda: heartbeats.worker_processes(fresher_than=60) == 2,
        timeout=30,
        message=celery_processes.logs,
    )
    connector = make_sample_connector(document_count=1000, operations_config={"batch_size": 50})
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)

    def ended():
        sync.refresh_from_db()
        return sync.status in FINISHED_STATUSES

    wait_until(ended, timeout=120, message=celery_processes.logs)
    assert sync.status == SyncStatus.SUCCEEDED, (sync.error_message, celery_processes.logs())
    parts = SyncPart.objects.filter(sync=sync)
    assert [(part.state, part.done) for part in parts] == [("done", 500)] * 2
    ids = list(Document.objects.filter(connector=connector).values_list("external_id", flat=True))
    assert sorted(ids) == sorted(f"sample-{i}" for i in range(1000))
