"""Liveness (syncs whose worker died, syncs whose task message went missing) and retention (old
sync records, long-deleted documents)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from connectors import services
from syncs import engine, liveness, retention
from syncs import services as sync_services
from syncs.models import Document, Sync, SyncLogLine, SyncStatus, SyncTrigger
from syncs.tasks import check_liveness, purge_expired, run_sync

pytestmark = pytest.mark.database


@pytest.fixture
def redispatch(monkeypatch, django_capture_on_commit_callbacks):
    """Run ``redispatch_waiting_syncs``; the task messages it sends after commit are recorded
    in ``redispatch.sent`` instead of sent."""
    sent = []
    monkeypatch.setattr(run_sync, "delay", sent.append)

    def run(now):
        with django_capture_on_commit_callbacks(execute=True):
            return liveness.redispatch_waiting_syncs(now=now)

    run.sent = sent
    return run


def _later(seconds):
    return timezone.now() + timedelta(seconds=seconds)


def _dead_worker_mid_sync(make_sample_connector, owner) -> Sync:
    """A sync whose worker stored 2 of 5 batches, then died holding the lease."""
    connector = make_sample_connector(
        document_count=100, operations_config={"batch_size": 20, "max_batches": 2}
    )
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    engine.run(sync.pk)  # stores two batches and hands on
    Sync.objects.filter(pk=sync.pk).update(
        lease_token=uuid.uuid4()
    )  # claimed, then the worker died
    sync.refresh_from_db()
    return sync


def test_a_sync_without_heartbeat_fails_as_worker_lost(make_sample_connector, owner, settings):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    sync = _dead_worker_mid_sync(make_sample_connector, owner)

    assert liveness.fail_lost_syncs(now=_later(30)) == 0  # not yet
    assert liveness.fail_lost_syncs(now=_later(61)) == 1

    sync.refresh_from_db()
    assert (sync.status, sync.lease_token) == (SyncStatus.FAILED, None)
    assert (sync.error_origin, sync.error_type, sync.error_retryable) == (
        "worker",
        "WorkerLost",
        True,
    )
    assert "no heartbeat for 60 s" in sync.error_message
    assert sync.log_lines.last().level == SyncLogLine.Level.ERROR


def test_the_next_sync_resumes_where_the_dead_worker_stopped(
    make_sample_connector, owner, settings, sync_to_end
):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    lost = _dead_worker_mid_sync(make_sample_connector, owner)
    liveness.fail_lost_syncs(now=_later(61))

    resumed = sync_to_end(lost.connector)

    assert resumed.status == SyncStatus.SUCCEEDED
    assert (lost.documents_created, resumed.documents_created) == (40, 60)
    assert (resumed.documents_unchanged, resumed.documents_deleted) == (0, 0)
    assert resumed.checkpoint["pass"] == lost.checkpoint["pass"]
    assert Document.objects.filter(connector=lost.connector).count() == 100


def test_a_cancelling_sync_whose_worker_died_fails_too(make_sample_connector, owner, settings):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    sync = _dead_worker_mid_sync(make_sample_connector, owner)
    sync_services.sync_cancel(actor=owner, sync=sync)
    liveness.fail_lost_syncs(now=_later(61))
    sync.refresh_from_db()
    assert sync.status == SyncStatus.FAILED
    assert "while it was being cancelled" in sync.error_message


def test_waiting_syncs_get_their_message_again(make_sample_connector, owner, settings, redispatch):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    queued = sync_services.sync_trigger(
        actor=owner, connector=make_sample_connector(name="a"), trigger=SyncTrigger.API
    )
    handed_on = _dead_worker_mid_sync(
        lambda **config: make_sample_connector(name="b", **config), owner
    )
    Sync.objects.filter(pk=handed_on.pk).update(lease_token=None)  # between two task runs

    assert redispatch(_later(30)) == 0
    assert redispatch(_later(61)) == 2
    assert sorted(redispatch.sent) == sorted([str(queued.pk), str(handed_on.pk)])
    # Sent once per timeout, not at every check.
    assert redispatch(_later(62)) == 0


def test_a_sync_queued_on_a_starting_connector_waits_for_its_check(
    workspace, owner, sample_definition, settings, redispatch
):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    connector = services.connector_create(
        actor=owner, workspace=workspace, definition=sample_definition, name="s", config={}
    )
    sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    assert redispatch(_later(600)) == 0


def test_the_liveness_task_runs_both_checks(make_sample_connector, owner):
    assert check_liveness() == {"failed": 0, "redispatched": 0}


# -- retention ------------------------------------------------------------------------------------


def _finished_syncs(connector, count, *, days_ago):
    at = timezone.now() - timedelta(days=days_ago)
    syncs = []
    for n in range(count):
        sync = Sync.objects.create(
            connector=connector,
            trigger=SyncTrigger.SCHEDULE,
            status=SyncStatus.SUCCEEDED,
            queued_at=at + timedelta(minutes=n),
            finished_at=at + timedelta(minutes=n, seconds=30),
        )
        SyncLogLine.objects.create(sync=sync, message="Finished.")
        syncs.append(sync)
    return syncs


def test_old_syncs_go_but_the_last_ones_of_each_connector_stay(make_sample_connector, settings):
    settings.CONNECTOR_HUB_SYNC_RETENTION_DAYS = 90
    settings.CONNECTOR_HUB_SYNC_KEEP_LAST = 20
    busy, quiet = make_sample_connector(name="busy"), make_sample_connector(name="quiet")
    old = _finished_syncs(busy, 25, days_ago=120)
    recent = _finished_syncs(busy, 5, days_ago=10)
    quiet_old = _finished_syncs(quiet, 3, days_ago=200)

    assert retention.purge_old_syncs() == 10

    kept = set(Sync.objects.filter(connector=busy).values_list("pk", flat=True))
    assert kept == {s.pk for s in old[10:] + recent}
    assert Sync.objects.filter(connector=quiet).count() == len(quiet_old)
    assert not SyncLogLine.objects.filter(sync_id__in=[s.pk for s in old[:10]]).exists()
    assert SyncLogLine.objects.count() == 23


def test_active_syncs_are_never_purged(make_sample_connector, owner, settings):
    settings.CONNECTOR_HUB_SYNC_KEEP_LAST = 0
    connector = make_sample_connector()
    active = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    Sync.objects.filter(pk=active.pk).update(queued_at=timezone.now() - timedelta(days=400))
    retention.purge_old_syncs()
    assert Sync.objects.filter(pk=active.pk).exists()


def test_long_deleted_documents_are_purged(make_sample_connector, settings):
    settings.CONNECTOR_HUB_DELETED_DOCUMENT_RETENTION_DAYS = 30
    connector = make_sample_connector()
    now = timezone.now()
    for external_id, deleted_at in [
        ("live", None),
        ("recently-deleted", now - timedelta(days=3)),
        ("long-deleted", now - timedelta(days=31)),
    ]:
        Document.objects.create(
            connector=connector, external_id=external_id, content_hash="h", deleted_at=deleted_at
        )
    assert purge_expired() == {
        "syncs": 0,
        "documents": 1,
        "memberships": 0,
        "connectors": 0,
        "idempotency_records": 0,
        "audit_entries": 0,
        "heartbeats": 0,
    }
    assert set(Document.objects.values_list("external_id", flat=True)) == {
        "live",
        "recently-deleted",
    }
