"""A real beat process (DatabaseScheduler) fires a connector's one-off ``when`` schedule and a
real worker runs the sync it queues."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connectors import schedules
from syncs.models import Document, Sync, SyncStatus, SyncTrigger
from tests.servers.celery_worker import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.database]


def test_beat_fires_a_when_schedule_set_a_few_seconds_ahead(
    celery_processes, make_sample_connector
):
    celery_processes.worker()
    celery_processes.beat()
    at = timezone.now() + timedelta(seconds=4)
    connector = make_sample_connector(schedule=schedules.when(at.isoformat()), document_count=30)
    assert not Sync.objects.filter(connector=connector).exists()

    def scheduled_sync_succeeded():
        return Sync.objects.filter(
            connector=connector, trigger=SyncTrigger.SCHEDULE, status=SyncStatus.SUCCEEDED
        ).first()

    sync = wait_until(scheduled_sync_succeeded, timeout=45, message=celery_processes.logs)
    assert sync.queued_at >= at
    assert Document.objects.filter(connector=connector).count() == 30
    assert Sync.objects.filter(connector=connector).count() == 1  # one-off: it fired once
