"""Syncs through the collection API (003): trigger, conflicts, list, one, cancel."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connectors import services
from connectors.lifecycle import State
from connectors.models import Connector
from syncs.models import Sync, SyncStatus, SyncTrigger

pytestmark = pytest.mark.database


@pytest.fixture
def running(make_connector, collection):
    connector = make_connector(name="Running", collections=[collection])
    Connector.objects.filter(pk=connector.pk).update(state=State.RUNNING)
    return connector


@pytest.fixture
def sync_url(collection_path, running):
    return f"{collection_path}/connectors/{running.pk}/sync"


def test_trigger_queues_and_enqueues_the_run(
    api, sync_url, running, collection, django_capture_on_commit_callbacks, enqueued
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(sync_url, {"full": True}, format="json")
    assert response.status_code == 202
    sync = Sync.objects.get(pk=response.json()["id"])
    assert (sync.status, sync.trigger, sync.full) == (SyncStatus.QUEUED, SyncTrigger.API, True)
    assert sync.collection_id == collection.pk
    assert enqueued == [("syncs.tasks.run_sync", (str(sync.pk),))]


def test_a_starting_connector_queues_but_waits_for_its_check(
    api, collection_path, make_connector, collection, django_capture_on_commit_callbacks, enqueued
):
    starting = make_connector(name="Starting", collections=[collection])
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{collection_path}/connectors/{starting.pk}/sync")
    assert response.status_code == 202
    assert enqueued == []

    with django_capture_on_commit_callbacks(execute=True):
        services.connector_check_finished(
            connector_id=starting.pk,
            check_token=Connector.objects.get(pk=starting.pk).check_token,
            error=None,
        )
    assert ("syncs.tasks.run_sync", (response.json()["id"],)) in enqueued


def test_a_second_trigger_is_409_with_the_active_sync(api, sync_url):
    first = api.post(sync_url).json()
    Sync.objects.filter(pk=first["id"]).update(status=SyncStatus.RUNNING, progress_done=3)
    response = api.post(sync_url)
    assert response.status_code == 409
    assert response.json()["code"] == "sync_already_active"
    assert response.json()["active_sync"]["id"] == first["id"]
    assert response.json()["active_sync"]["status"] == "running"
    assert response.json()["active_sync"]["progress"] == {"done": 3, "total": None}


def test_list_is_newest_first_and_pages(api, sync_url, running):
    now = timezone.now()
    made = [
        Sync.objects.create(
            connector=running,
            trigger=SyncTrigger.SCHEDULE,
            status=SyncStatus.SUCCEEDED,
            queued_at=now - timedelta(minutes=n),
        )
        for n in range(5)
    ]
    first = api.get(f"{sync_url}?limit=2").json()
    second = api.get(f"{sync_url}?limit=2&cursor={first['next_cursor']}").json()
    third = api.get(f"{sync_url}?limit=2&cursor={second['next_cursor']}").json()
    listed = [s["id"] for page in (first, second, third) for s in page["data"]]
    assert listed == [str(s.pk) for s in made]
    assert third["next_cursor"] is None
    failed = api.get(f"{sync_url}?status=failed").json()["data"]
    assert failed == []


def test_get_one_sync_of_this_connector_only(api, sync_url, collection_path, make_connector):
    mine = api.post(sync_url).json()
    assert api.get(f"{sync_url}/{mine['id']}").json()["status"] == "queued"
    other = make_connector(name="Other")
    foreign_sync = Sync.objects.create(connector=other, trigger=SyncTrigger.API)
    assert api.get(f"{sync_url}/{foreign_sync.pk}").status_code == 404
    assert api.get(f"{sync_url}/not-an-id").status_code == 404


def test_cancel_a_running_sync_then_nothing_to_cancel(api, sync_url):
    started = api.post(sync_url).json()
    Sync.objects.filter(pk=started["id"]).update(status=SyncStatus.RUNNING)
    cancelled = api.post(f"{sync_url}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelling"
    Sync.objects.filter(pk=started["id"]).update(status=SyncStatus.CANCELLED)
    nothing = api.post(f"{sync_url}/cancel")
    assert nothing.status_code == 409
    assert nothing.json()["detail"] == "No sync of this connector is active."


def test_a_stopped_connector_refuses_to_sync(api, sync_url, running, owner):
    services.connector_stop(actor=owner, connector=running)
    response = api.post(sync_url)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"
    assert response.json()["state"] == "stopped"
