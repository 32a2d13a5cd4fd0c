"""A connector's page and its actions: lifecycle, delete, collections, Sync now, Cancel, uploads,
the live activity fragment and a sync's page with its log."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from connectors import services
from connectors.lifecycle import State
from connectors.models import Connector
from syncs.models import Sync, SyncStatus, UploadedFile
from tenancy import services as tenancy_services

pytestmark = pytest.mark.database


def url(name, workspace, *args):
    return reverse(name, args=[workspace.slug, *args])


def running(connector):
    Connector.objects.filter(pk=connector.pk).update(state=State.RUNNING, check_token=None)
    connector.refresh_from_db()
    return connector


def test_the_page_shows_state_schedule_collections_and_masked_config(
    login, viewer, workspace, associated, finished_sync
):
    html = login(viewer).get(url("connectors:connector_detail", workspace, associated.pk))
    text = html.content.decode()
    assert "Starting" in text and "Checking the connection" in text
    assert "No schedule" in text
    assert "Research / Papers" in text
    assert '<dt>Password</dt><dd class="muted">Set</dd>' in text  # a labelled list, never the value
    assert "**********" not in text
    assert "The source reported a problem: The server refused the user name or password." in text
    assert 'data-live-active="true"' in text  # starting: the page keeps itself up to date
    assert "Sync now" not in text and "Edit" not in text  # a viewer has no buttons


def test_lifecycle_buttons_follow_the_state(login, editor, workspace, connector):
    client = login(editor)
    detail = url("connectors:connector_detail", workspace, connector.pk)
    state_url = url("connectors:connector_state", workspace, connector.pk)
    html = client.get(detail).content.decode()
    assert 'id="lifecycle-stop"' in html and 'id="lifecycle-start"' not in html

    assert client.post(state_url, {"action": "stop"})["Location"] == detail
    connector.refresh_from_db()
    assert connector.state == State.STOPPED
    html = client.get(detail).content.decode()
    assert 'id="lifecycle-start"' in html and 'id="lifecycle-stop"' not in html
    assert 'id="sync-now"' not in html

    client.post(state_url, {"action": "fail"})
    connector.refresh_from_db()
    assert (connector.state, connector.state_reason) == (State.FAILED, "Failed by request.")
    client.post(state_url, {"action": "start"})
    connector.refresh_from_db()
    assert connector.state == State.STARTING
    response = client.post(state_url, {"action": "explode"}, follow=True)
    assert "Choose start, stop or fail." in response.content.decode()


def test_delete_asks_then_hides_the_connector(login, editor, workspace, connector, documents):
    client = login(editor)
    delete = url("connectors:connector_delete", workspace, connector.pk)
    assert "3 documents" in client.get(delete).content.decode()
    assert Connector.objects.filter(pk=connector.pk).exists()
    response = client.post(delete)
    assert response["Location"] == url("connectors:connector_list", workspace)
    assert not Connector.objects.filter(pk=connector.pk).exists()
    assert Connector.all_objects.get(pk=connector.pk).deleted_at is not None
    assert (
        client.get(url("connectors:connector_detail", workspace, connector.pk)).status_code == 404
    )


def test_collections_are_added_and_removed(login, editor, workspace, connector, collection):
    client = login(editor)
    client.post(
        url("connectors:connector_collection_add", workspace, connector.pk),
        {"collection": collection.pk},
    )
    assert list(connector.collections.all()) == [collection]
    client.post(
        url("connectors:connector_collection_remove", workspace, connector.pk, collection.pk)
    )
    assert not connector.collections.exists()
    connector.refresh_from_db()
    assert connector.deleted_at is None


def test_a_collection_of_another_workspace_cannot_be_added(
    login, editor, workspace, connector, other_workspace
):
    stranger = other_workspace.memberships.get().user
    space = tenancy_services.space_create(actor=stranger, workspace=other_workspace, name="S")
    foreign = tenancy_services.collection_create(actor=stranger, space=space, name="C")
    response = login(editor).post(
        url("connectors:connector_collection_add", workspace, connector.pk),
        {"collection": foreign.pk},
        follow=True,
    )
    assert "Choose a collection of this workspace." in response.content.decode()
    assert not connector.collections.exists()


def test_sync_now_and_cancel(login, editor, workspace, connector):
    client = login(editor)
    running(connector)
    response = client.post(url("syncs:sync_now", workspace, connector.pk), follow=True)
    sync = Sync.objects.get(connector=connector)
    assert sync.status == SyncStatus.QUEUED and sync.created_by == "user:editor"
    html = response.content.decode()
    assert "Sync queued." in html
    assert "Waiting for a worker" in html
    assert f'id="cancel-{sync.pk}"' in html

    again = client.post(url("syncs:sync_now", workspace, connector.pk), follow=True)
    assert "already queued" in again.content.decode()
    assert Sync.objects.filter(connector=connector).count() == 1

    client.post(url("syncs:sync_cancel", workspace, sync.pk))
    sync.refresh_from_db()
    assert sync.status == SyncStatus.CANCELLED
    response = client.post(url("syncs:sync_cancel", workspace, sync.pk), follow=True)
    assert "The sync is already cancelled." in response.content.decode()


def test_a_running_sync_moves_to_cancelling(login, editor, workspace, connector):
    running(connector)
    sync = Sync.objects.create(
        connector=connector,
        trigger="manual",
        status=SyncStatus.RUNNING,
        progress_done=25,
        progress_total=100,
    )
    client = login(editor)
    html = client.get(url("syncs:connector_activity", workspace, connector.pk)).content.decode()
    assert 'value="25"' in html and "25%" in html and "25</b> of <b>100" in html
    response = client.post(url("syncs:sync_cancel", workspace, sync.pk), {"back": "sync"})
    assert response["Location"] == url("syncs:sync_detail", workspace, sync.pk)
    sync.refresh_from_db()
    assert sync.status == SyncStatus.CANCELLING


def test_sync_now_is_refused_on_a_stopped_connector(login, editor, workspace, connector):
    client = login(editor)
    client.post(url("connectors:connector_state", workspace, connector.pk), {"action": "stop"})
    response = client.post(url("syncs:sync_now", workspace, connector.pk), follow=True)
    assert "Cannot sync a connector that is stopped" in response.content.decode()
    assert not Sync.objects.exists()


def test_the_activity_fragment_is_the_live_part_of_the_page(
    login, viewer, workspace, connector, finished_sync
):
    response = login(viewer).get(url("syncs:connector_activity", workspace, connector.pk))
    html = response.content.decode().strip()
    assert html.startswith('<div id="activity"')
    assert "<html" not in html
    assert "Failed" in html and "40</b> of <b>100" in html
    assert "Sync now" not in html and "Cancel sync" not in html  # a viewer gets no buttons


def test_the_sync_page_shows_progress_log_and_error(login, viewer, workspace, finished_sync):
    client = login(viewer)
    html = client.get(url("syncs:sync_detail", workspace, finished_sync.pk)).content.decode()
    assert "Read 40 rows." in html and "Failed: refused." in html
    assert 'value="40"' in html
    assert "The source reported a problem" in html
    live = client.get(url("syncs:sync_live", workspace, finished_sync.pk)).content.decode()
    assert live.strip().startswith('<div id="sync-live"')
    assert 'data-live-active="false"' in live


@pytest.fixture
def upload_connector(catalog, workspace, owner):
    connector = services.connector_create(
        actor=owner, workspace=workspace, definition=catalog["upload"], name="Inbox", config={}
    )
    return running(connector)


def test_files_are_uploaded_from_the_page(login, editor, workspace, upload_connector):
    client = login(editor)
    detail = url("connectors:connector_detail", workspace, upload_connector.pk)
    assert 'enctype="multipart/form-data"' in client.get(detail).content.decode()
    response = client.post(
        url("syncs:connector_upload", workspace, upload_connector.pk),
        {
            "files": [
                SimpleUploadedFile("notes.txt", b"Some notes", "text/plain"),
                SimpleUploadedFile("more.md", b"# More", "text/markdown"),
            ]
        },
        follow=True,
    )
    assert "2 files uploaded; a sync reads them now." in response.content.decode()
    assert sorted(UploadedFile.objects.values_list("name", flat=True)) == ["more.md", "notes.txt"]
    assert Sync.objects.filter(connector=upload_connector).count() == 1
    assert "notes.txt" in client.get(detail).content.decode()


def test_a_refused_file_is_named_and_nothing_is_stored(login, editor, workspace, upload_connector):
    response = login(editor).post(
        url("syncs:connector_upload", workspace, upload_connector.pk),
        {"files": [SimpleUploadedFile("tool.exe", b"MZ", "application/octet-stream")]},
        follow=True,
    )
    assert "tool.exe is not an accepted type" in response.content.decode()
    assert not UploadedFile.objects.exists()


def test_other_kinds_have_no_upload_form(login, editor, workspace, connector):
    html = login(editor).get(url("connectors:connector_detail", workspace, connector.pk))
    assert b'enctype="multipart/form-data"' not in html.content
    response = login(editor).post(
        url("syncs:connector_upload", workspace, connector.pk),
        {"files": [SimpleUploadedFile("a.txt", b"x")]},
        follow=True,
    )
    assert "Only upload connectors accept files." in response.content.decode()


def test_the_list_filters_by_state_type_and_name(login, viewer, workspace, make_connector):
    first = make_connector(name="alpha")
    make_connector(name="beta")
    Connector.objects.filter(pk=first.pk).update(state=State.FAILED)
    client = login(viewer)
    listing = url("connectors:connector_list", workspace)
    assert [c.name for c in client.get(listing, {"state": "failed"}).context["connectors"]] == [
        "alpha"
    ]
    assert [c.name for c in client.get(listing, {"name": "bet"}).context["connectors"]] == ["beta"]
    assert len(client.get(listing, {"type": "test-db"}).context["connectors"]) == 2
    assert not client.get(listing, {"type": "nothing"}).context["connectors"]
