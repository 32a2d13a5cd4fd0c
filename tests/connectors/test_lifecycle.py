"""The lifecycle table of design.md, coded once, and the services that walk it."""

import pytest

from config.errors import SyncAlreadyActive, TransitionRefused
from connectors import services
from connectors.lifecycle import DELETED, NOOP, TRANSITIONS, Action, State, next_state
from connectors.models import Connector
from connectors.tasks import check_connector
from syncs import services as sync_services
from syncs.models import Sync, SyncStatus, SyncTrigger
from tenancy import services as tenancy_services

REFUSED = "refused"
# Rows: state; columns: start, stop, fail, edit config, sync now, delete (design.md).
DESIGN_TABLE = {
    State.STARTING: [NOOP, State.STOPPED, State.FAILED, State.STARTING, State.STARTING, DELETED],
    State.RUNNING: [NOOP, State.STOPPED, State.FAILED, State.STARTING, State.RUNNING, DELETED],
    State.STOPPED: [State.STARTING, NOOP, State.FAILED, State.STOPPED, REFUSED, DELETED],
    State.FAILED: [State.STARTING, State.STOPPED, NOOP, State.STARTING, REFUSED, DELETED],
}
ACTIONS = [Action.START, Action.STOP, Action.FAIL, Action.EDIT, Action.SYNC, Action.DELETE]


@pytest.mark.parametrize("state", list(DESIGN_TABLE))
@pytest.mark.parametrize("column", range(len(ACTIONS)))
def test_transition_table_matches_design(state, column):
    action, expected = ACTIONS[column], DESIGN_TABLE[state][column]
    if expected == REFUSED:
        with pytest.raises(TransitionRefused) as refused:
            next_state(state, action)
        assert refused.value.state == state
        assert set(refused.value.allowed) == set(TRANSITIONS[state])
        assert state in refused.value.message
    else:
        assert next_state(state, action) == expected


pytestmark = pytest.mark.database


def _set_state(connector, state):
    Connector.objects.filter(pk=connector.pk).update(state=state, check_token=None)
    connector.refresh_from_db()
    return connector


def test_created_connector_is_starting_and_enqueues_a_check(
    make_connector, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        connector = make_connector()
    assert connector.state == State.STARTING
    assert connector.check_token is not None
    assert len(callbacks) >= 1


def test_stop_a_running_connector_cancels_its_active_sync(make_connector, owner):
    connector = _set_state(make_connector(), State.RUNNING)
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    services.connector_stop(actor=owner, connector=connector)
    connector.refresh_from_db()
    sync.refresh_from_db()
    assert connector.state == State.STOPPED
    assert sync.status == SyncStatus.CANCELLED


def test_repeating_a_transition_is_a_noop(make_connector, owner):
    connector = _set_state(make_connector(), State.STOPPED)
    before = connector.state_changed_at
    services.connector_stop(actor=owner, connector=connector)
    connector.refresh_from_db()
    assert connector.state == State.STOPPED
    assert connector.state_changed_at == before


def test_sync_refused_on_a_stopped_connector_names_the_state(make_connector, owner):
    connector = _set_state(make_connector(), State.STOPPED)
    with pytest.raises(TransitionRefused) as refused:
        sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    assert refused.value.state == State.STOPPED
    assert "start" in refused.value.allowed
    assert not Sync.objects.filter(connector=connector).exists()


def test_second_trigger_answers_already_running(make_connector, owner):
    connector = _set_state(make_connector(), State.RUNNING)
    first = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    with pytest.raises(SyncAlreadyActive) as active:
        sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    assert active.value.sync.pk == first.pk


def test_sync_on_starting_connector_waits_for_the_check(make_connector, owner, monkeypatch):
    released = []
    monkeypatch.setattr("syncs.services._enqueue", lambda sync: released.append(sync.pk))
    connector = make_connector()
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    assert sync.status == SyncStatus.QUEUED
    assert released == []
    monkeypatch.setattr("connectors.tasks.run_check", lambda definition, config: None)
    check_connector(str(connector.pk), str(connector.check_token))
    connector.refresh_from_db()
    assert connector.state == State.RUNNING
    assert released == [sync.pk]


def test_failed_check_fails_the_connector_and_its_queued_sync(make_connector, owner, monkeypatch):
    connector = make_connector()
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    monkeypatch.setattr(
        "connectors.tasks.run_check", lambda definition, config: "Host unreachable."
    )
    check_connector(str(connector.pk), str(connector.check_token))
    connector.refresh_from_db()
    sync.refresh_from_db()
    assert connector.state == State.FAILED
    assert connector.state_reason == "Host unreachable."
    assert sync.status == SyncStatus.FAILED
    assert "Host unreachable." in sync.error_message


def test_a_check_superseded_by_an_edit_changes_nothing(make_connector, owner, monkeypatch):
    connector = make_connector()
    stale_token = str(connector.check_token)
    services.connector_update(
        actor=owner,
        connector=connector,
        config={
            "connector_config": {"host": "db2.example.com", "port": 5432, "password": "**********"}
        },
    )
    monkeypatch.setattr("connectors.tasks.run_check", lambda definition, config: None)
    check_connector(str(connector.pk), stale_token)
    connector.refresh_from_db()
    assert connector.state == State.STARTING


def test_edit_of_a_stopped_connector_stays_stopped(make_connector, owner):
    connector = _set_state(make_connector(), State.STOPPED)
    services.connector_update(
        actor=owner,
        connector=connector,
        config={
            "connector_config": {"host": "db3.example.com", "port": 5433, "password": "**********"}
        },
    )
    connector.refresh_from_db()
    assert connector.state == State.STOPPED


def test_edit_of_a_running_connector_rechecks(make_connector, owner):
    connector = _set_state(make_connector(), State.RUNNING)
    services.connector_update(
        actor=owner,
        connector=connector,
        config={
            "connector_config": {"host": "db4.example.com", "port": 5432, "password": "**********"}
        },
    )
    connector.refresh_from_db()
    assert connector.state == State.STARTING
    assert connector.check_token is not None


def test_a_config_edit_resets_the_cursor_unless_only_secrets_changed(make_connector, owner):
    connector = make_connector()
    cursor = {"reader": {"after": 41}, "pass": "p-1", "prune": False, "done": 7}
    Connector.objects.filter(pk=connector.pk).update(cursor=cursor)
    config = {"host": "db.example.com", "port": 5432, "username": "reader"}

    # A rotated password reads the same source: the next sync goes on from the cursor.
    services.connector_update(
        actor=owner,
        connector=connector,
        config={"connector_config": {**config, "password": "rotated-Secret-9"}},
    )
    connector.refresh_from_db()
    assert connector.cursor == cursor

    # Another host (or table, selection...) may be another source: the next sync starts afresh.
    services.connector_update(
        actor=owner,
        connector=connector,
        config={
            "connector_config": {**config, "host": "db5.example.com", "password": "**********"}
        },
    )
    connector.refresh_from_db()
    assert connector.cursor is None


def test_delete_hides_at_once_and_cancels_syncs(make_connector, owner, collection):
    connector = _set_state(make_connector(), State.RUNNING)
    services.connector_associate(actor=owner, connector=connector, collection=collection)
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    services.connector_delete(actor=owner, connector=connector)
    assert not Connector.objects.filter(pk=connector.pk).exists()
    assert Connector.all_objects.filter(pk=connector.pk).exists()
    sync.refresh_from_db()
    assert sync.status == SyncStatus.CANCELLED
    assert not collection.connectors.exists()


def test_purge_empties_a_deleted_connector_and_retention_removes_it(
    make_connector, owner, settings
):
    from datetime import timedelta

    from django.utils import timezone

    from syncs import retention
    from syncs.models import Document, Sync, SyncTrigger
    from syncs.tasks import purge_connector

    settings.CONNECTOR_HUB_DELETED_DOCUMENT_RETENTION_DAYS = 30
    connector = make_connector()
    Document.objects.bulk_create(
        Document(connector=connector, external_id=str(i), content_hash="h", content="text")
        for i in range(12)
    )
    Sync.objects.create(connector=connector, trigger=SyncTrigger.API, status="succeeded")
    services.connector_delete(actor=owner, connector=connector)
    purge_connector(str(connector.pk))

    # Its documents stay as tombstones, without their content, for the change feeds.
    tombstones = Document.objects.filter(connector_id=connector.pk)
    assert tombstones.count() == 12
    assert not tombstones.filter(deleted_at__isnull=True).exists()
    assert set(tombstones.values_list("content", flat=True)) == {""}
    assert not Sync.objects.filter(connector_id=connector.pk).exists()
    assert retention.purge_deleted_connectors() == 0  # not before the retention period

    later = timezone.now() + timedelta(days=31)
    assert retention.purge_deleted_documents(now=later) == 12
    assert retention.purge_deleted_connectors(now=later) == 1
    assert not Connector.all_objects.filter(pk=connector.pk).exists()


def test_remove_from_last_collection_deletes_the_connector(
    make_connector, owner, collection, space
):
    connector = make_connector()
    second = tenancy_services.collection_create(actor=owner, space=space, name="Second")
    services.connector_associate(actor=owner, connector=connector, collection=collection)
    services.connector_associate(actor=owner, connector=connector, collection=second)
    assert (
        services.connector_remove_from_collection(
            actor=owner, connector=connector, collection=collection
        )
        is False
    )
    assert Connector.objects.filter(pk=connector.pk).exists()
    assert (
        services.connector_remove_from_collection(
            actor=owner, connector=connector, collection=second
        )
        is True
    )
    assert not Connector.objects.filter(pk=connector.pk).exists()


def test_domain_events_are_sent_after_commit(
    make_connector, owner, django_capture_on_commit_callbacks
):
    from config.events import domain_event

    received = []
    domain_event.connect(
        lambda sender, event, **kw: received.append(event), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            connector = make_connector()
        names = [e.name for e in received]
        assert "connector.created" in names
        created = next(e for e in received if e.name == "connector.created")
        assert created.actor == "user:owner"
        assert created.object_id == str(connector.pk)
    finally:
        domain_event.disconnect(dispatch_uid="t")
