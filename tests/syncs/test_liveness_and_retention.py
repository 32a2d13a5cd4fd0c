"""Liveness (syncs whose worker died, syncs whose task message went missing) and retention (old
sync records, long-deleted documents)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from connectors import services
from ops.tasks import purge_expired
from syncs import engine, liveness, retention
from syncs import services as sync_services
from syncs.models import AttemptOutcome, Document, Sync, SyncLogLine, SyncStatus, SyncTrigger
from syncs.tasks import check_liveness, run_sync

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


def test_a_sync_whose_worker_is_lost_too_often_fails_as_worker_lost(
    make_sample_connector, owner, settings
):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    settings.CONNECTOR_HUB_SYNC_MAX_ATTEMPTS = 1
    sync = _dead_worker_mid_sync(make_sample_connector, owner)

    assert liveness.recover_lost_syncs(now=_later(30)) == 0  # not yet
    assert liveness.recover_lost_syncs(now=_later(61)) == 1

    sync.refresh_from_db()
    assert (sync.status, sync.lease_token) == (SyncStatus.FAILED, None)
    assert (sync.error_origin, sync.error_type, sync.error_retryable) == (
        "worker",
        "WorkerLost",
        True,
    )
    assert "no heartbeat for 60 s" in sync.error_message
    assert sync.log_lines.last().level == SyncLogLine.Level.ERROR
    (attempt,) = sync.attempt_records.all()
    assert (attempt.outcome, attempt.documents) == (AttemptOutcome.WORKER_LOST, 40)


def _take_up_after_back_off(sync: Sync) -> None:
    """The back-off is over (without waiting for it): the retry's task message arrives."""
    Sync.objects.filter(pk=sync.pk).update(next_attempt_at=timezone.now())


def test_a_lost_worker_s_sync_is_retried_from_its_checkpoint_as_a_new_attempt(
    make_sample_connector, owner, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    sent = []
    monkeypatch.setattr(run_sync, "apply_async", lambda args, countdown: sent.append(countdown))
    sync = _dead_worker_mid_sync(make_sample_connector, owner)
    with django_capture_on_commit_callbacks(execute=True):
        assert liveness.recover_lost_syncs(now=_later(61)) == 1

    sync.refresh_from_db()
    assert (sync.status, sync.lease_token, sync.attempts) == (SyncStatus.RUNNING, None, 1)
    assert sync.next_attempt_at > timezone.now() and len(sent) == 1 and sent[0] > 0
    assert "Attempt 2 (of at most 3) resumes" in sync.log_lines.last().message
    engine.run(sync.pk)  # a message arriving before the back-off is over does nothing
    assert Sync.objects.get(pk=sync.pk).attempts == 1

    _take_up_after_back_off(sync)
    while Sync.objects.get(pk=sync.pk).status == SyncStatus.RUNNING:
        engine.run(sync.pk)
    sync.refresh_from_db()
    assert (sync.status, sync.attempts) == (SyncStatus.SUCCEEDED, 2)
    assert (sync.documents_created, sync.documents_unchanged, sync.progress_done) == (100, 0, 100)
    assert Document.objects.filter(connector=sync.connector).count() == 100
    first, second = sync.attempt_records.all()
    assert (first.number, first.outcome, first.documents) == (1, AttemptOutcome.WORKER_LOST, 40)
    assert "stopped responding" in first.reason
    assert (second.number, second.outcome, second.documents) == (2, AttemptOutcome.SUCCEEDED, 60)
    assert first.started_at <= second.started_at <= second.finished_at


def test_a_worker_lost_right_after_its_claim_leaves_a_sync_the_retry_begins(
    make_sample_connector, owner, settings
):
    """Killed between claiming a queued sync and beginning its pass (no checkpoint yet): the
    retry begins the pass instead of taking the missing pass for an edited config."""
    from syncs.engine.lease import claim

    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    connector = make_sample_connector(document_count=30, operations_config={"batch_size": 10})
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    assert claim(sync.pk).first  # the worker claimed it, then died
    assert liveness.recover_lost_syncs(now=_later(61)) == 1
    _take_up_after_back_off(sync)

    while Sync.objects.get(pk=sync.pk).status == SyncStatus.RUNNING:
        engine.run(sync.pk)
    sync.refresh_from_db()
    assert (sync.status, sync.attempts, sync.documents_created) == (SyncStatus.SUCCEEDED, 2, 30)
    assert [a.outcome for a in sync.attempt_records.all()] == [
        AttemptOutcome.WORKER_LOST,
        AttemptOutcome.SUCCEEDED,
    ]


def test_the_last_allowed_attempt_lost_fails_the_sync_for_good(
    make_sample_connector, owner, settings
):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    settings.CONNECTOR_HUB_SYNC_MAX_ATTEMPTS = 2
    sync = _dead_worker_mid_sync(make_sample_connector, owner)
    liveness.recover_lost_syncs(now=_later(61))
    _take_up_after_back_off(sync)
    engine.run(sync.pk)  # attempt 2 stores two more batches and hands on
    Sync.objects.filter(pk=sync.pk).update(lease_token=uuid.uuid4())  # and its worker dies too
    liveness.recover_lost_syncs(now=_later(61))

    sync.refresh_from_db()
    assert (sync.status, sync.error_type, sync.attempts) == (SyncStatus.FAILED, "WorkerLost", 2)
    assert "Gave up after 2 attempt(s)" in sync.error_message
    assert [a.outcome for a in sync.attempt_records.all()] == [AttemptOutcome.WORKER_LOST] * 2


def test_a_cancel_during_the_back_off_ends_the_sync_at_once(make_sample_connector, owner, settings):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    sync = _dead_worker_mid_sync(make_sample_connector, owner)
    liveness.recover_lost_syncs(now=_later(61))
    sync_services.sync_cancel(actor=owner, sync=sync)

    sync.refresh_from_db()
    assert (sync.status, sync.next_attempt_at) == (SyncStatus.CANCELLED, None)
    _take_up_after_back_off(sync)
    engine.run(sync.pk)  # the retry's message finds nothing to do
    sync.refresh_from_db()
    assert (sync.status, sync.attempts) == (SyncStatus.CANCELLED, 1)
    assert sync.log_lines.last().message.startswith("Cancelled while waiting to retry")


def test_the_next_sync_resumes_where_the_dead_worker_stopped(
    make_sample_connector, owner, settings, sync_to_end
):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    settings.CONNECTOR_HUB_SYNC_MAX_ATTEMPTS = 1
    lost = _dead_worker_mid_sync(make_sample_connector, owner)
    liveness.recover_lost_syncs(now=_later(61))

    resumed = sync_to_end(lost.connector)

    assert resumed.status == SyncStatus.SUCCEEDED
    assert (lost.documents_created, resumed.documents_created) == (40, 60)
    assert (resumed.documents_unchanged, resumed.documents_deleted) == (0, 0)
    assert resumed.checkpoint["pass"] == lost.checkpoint["pass"]
    assert Document.objects.filter(connector=lost.connector).count() == 100


def test_a_cancelling_sync_whose_worker_died_ends_cancelled(make_sample_connector, owner, settings):
    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 60
    sync = _dead_worker_mid_sync(make_sample_connector, owner)
    sync_services.sync_cancel(actor=owner, sync=sync)
    liveness.recover_lost_syncs(now=_later(61))
    sync.refresh_from_db()
    assert (sync.status, sync.lease_token, sync.error_type) == (SyncStatus.CANCELLED, None, "")
    assert "while it was being cancelled" in sync.error_message
    assert sync.log_lines.last().message.startswith("Cancelled: ")
    (attempt,) = sync.attempt_records.all()
    assert attempt.outcome == AttemptOutcome.WORKER_LOST


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


def test_a_check_lost_with_its_worker_is_sent_again_with_the_same_token(
    workspace, owner, sample_definition, settings, django_capture_on_commit_callbacks
):
    from connectors.connection_checks import resend_lost_checks
    from connectors.lifecycle import State
    from connectors.tasks import check_connector

    settings.CONNECTOR_HUB_CHECK_LOST_AFTER = 60
    connector = services.connector_create(
        actor=owner, workspace=workspace, definition=sample_definition, name="Stuck"
    )
    token = connector.check_token  # its check message went with the worker that took it
    assert resend_lost_checks(now=_later(30)) == 0  # not yet
    with django_capture_on_commit_callbacks() as sent:
        assert resend_lost_checks(now=_later(61)) == 1
    assert len(sent) == 1
    connector.refresh_from_db()
    assert (connector.state, connector.check_token) == (State.STARTING, token)
    assert resend_lost_checks(now=_later(62)) == 0  # the next sending waits as long again

    check_connector(str(connector.pk), str(token))  # what the resent message runs
    connector.refresh_from_db()
    assert connector.state == State.RUNNING


def test_the_liveness_task_runs_every_check(make_sample_connector, owner):
    assert check_liveness() == {
        "lost": 0,
        "lost_parts": 0,
        "lost_checks": 0,
        "redispatched": 0,
        "lost_ticks": 0,
    }


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
