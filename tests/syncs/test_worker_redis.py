"""Redis as broker and two worker processes: twenty connectors synced at once, each sync handed
on between task runs on either worker, never two active syncs for one connector."""

import pytest
from django.db.models import Count

from config.errors import SyncAlreadyActive
from syncs import services as sync_services
from syncs.models import ACTIVE_STATUSES, FINISHED_STATUSES, Document, Sync, SyncStatus, SyncTrigger
from syncs.tasks import scheduled_sync
from tests.servers.celery_worker import broker_of_this_process, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.database]

CONNECTORS, DOCUMENTS = 20, 1000


def test_twenty_connectors_sync_at_once_on_two_workers(
    celery_processes, redis_server, make_sample_connector, owner
):
    workers = [celery_processes.worker(broker_url=redis_server.url) for _ in range(2)]
    with broker_of_this_process(redis_server.url):
        connectors = [
            make_sample_connector(
                name=f"sample-{n}",
                document_count=DOCUMENTS,
                document_size=100,
                operations_config={"batch_size": 100, "max_batches": 3},
            )
            for n in range(CONNECTORS)
        ]
        syncs = [
            sync_services.sync_trigger(actor=owner, connector=c, trigger=SyncTrigger.API)
            for c in connectors
        ]
        for connector in connectors:  # a second trigger answers "already running"
            with pytest.raises(SyncAlreadyActive):
                sync_services.sync_trigger(
                    actor=owner, connector=connector, trigger=SyncTrigger.API
                )
        scheduled_sync(str(connectors[0].pk))  # a schedule tick meanwhile is skipped

        most_active_per_connector = 0

        def all_finished():
            nonlocal most_active_per_connector
            active = (
                Sync.objects.filter(status__in=ACTIVE_STATUSES)
                .values("connector")
                .annotate(n=Count("id"))
            )
            most_active_per_connector = max(
                [most_active_per_connector, *(row["n"] for row in active)]
            )
            return not Sync.objects.exclude(status__in=FINISHED_STATUSES).exists()

        wait_until(all_finished, timeout=180, interval=0.2, message=celery_processes.logs)

    assert most_active_per_connector == 1
    for sync in syncs:
        sync.refresh_from_db()
        assert sync.status == SyncStatus.SUCCEEDED, (sync.error_message, celery_processes.logs())
        assert (sync.documents_created, sync.progress_done) == (DOCUMENTS, DOCUMENTS)
    assert Sync.objects.count() == CONNECTORS
    per_connector = Document.objects.values("connector").annotate(n=Count("id"))
    assert sorted(row["n"] for row in per_connector) == [DOCUMENTS] * CONNECTORS
    connectors[0].refresh_from_db()
    assert connectors[0].last_skipped_tick_at is not None
    # Both workers took part: syncs were handed on between task runs across processes.
    assert all("syncs.tasks.run_sync" in worker.log() for worker in workers)
