"""One model under five APIs: a connector made through one family is read, synced and deleted
through the others, and its secrets show nowhere."""

import pytest

from connectors.lifecycle import State
from connectors.models import Connector
from syncs.models import Sync, SyncStatus
from tests.api.conftest import SECRET_KEY_VALUE, s3_body

pytestmark = pytest.mark.database

MASK = "**********"
JIRA_TOKEN = "Jira-T0ken-Never-Shown"
DB_PASSWORD = "Db-Pw-Never-Shown-5"


def _everywhere(api, workspace, collection_path, connector_id, name):
    """The connector as each family shows it."""
    return {
        "000": api.get(f"/layar/liveSource/{connector_id}"),
        "001": api.get(f"/connectors/{name}"),
        "003": api.get(f"{collection_path}/connectors/{connector_id}"),
        "004": api.get(f"/v1/connector/get_connector/{workspace.slug}/{connector_id}"),
    }


def _lists(api, workspace, collection_path):
    return {
        "000": [c["id"] for c in api.get("/layar/liveSource").json()["liveSources"]],
        "001": [c["id"] for c in api.get("/connectors").json()],
        "003": [
            c["id"] for c in api.get(f"{collection_path}/connectors?scope=workspace").json()["data"]
        ],
        "004": [
            c["id"]
            for c in api.get(f"/v1/connector/list_connectors/{workspace.slug}").json()["data"]
        ],
    }


def _associate(api, workspace, connector_id, collection):
    response = api.post(
        f"/v1/connector/create_connector_collection_association/{workspace.slug}",
        {"connector_id": connector_id, "collection_id": str(collection.pk)},
        format="json",
    )
    assert response.status_code == 201


def _gone(api, workspace, collection_path, connector_id, name):
    for family, response in _everywhere(
        api, workspace, collection_path, connector_id, name
    ).items():
        assert response.status_code == 404, family
    assert all(connector_id not in ids for ids in _lists(api, workspace, collection_path).values())


def test_storage_connector_through_every_family(api, workspace, collection, collection_path):
    created = api.post("/connectors/reports", s3_body(), format="json").json()
    connector_id = created["id"]
    assert all(connector_id in ids for ids in _lists(api, workspace, collection_path).values())
    shown = _everywhere(api, workspace, collection_path, connector_id, "reports")
    for response in shown.values():
        assert response.status_code == 200
        assert SECRET_KEY_VALUE not in response.content.decode()
    assert shown["000"].json()["liveSourceType"] == "AmazonS3"
    assert shown["000"].json()["config"]["password_read"] == MASK
    assert shown["003"].json()["type"] == "AmazonS3"
    assert shown["003"].json()["config"]["bucket_name"] == "reports"
    assert shown["004"].json()["type"] == "AmazonS3"
    assert shown["004"].json()["credentials"] == {"password_read": MASK, "password_write": MASK}
    assert shown["004"].json()["slots"]["bucket_name"] == "reports"

    _associate(api, workspace, connector_id, collection)
    Connector.objects.filter(pk=connector_id).update(state=State.RUNNING)
    sync = api.post(f"{collection_path}/connectors/{connector_id}/sync").json()
    Sync.objects.filter(pk=sync["id"]).update(status=SyncStatus.SUCCEEDED, documents_created=4)
    job = api.get(f"/layar/liveSource/{connector_id}/jobStatus").json()
    assert (job["jobId"], job["status"], job["documents"]["created"]) == (
        sync["id"],
        "succeeded",
        4,
    )

    assert api.delete(f"/layar/liveSource/{connector_id}").status_code == 204
    _gone(api, workspace, collection_path, connector_id, "reports")


def test_live_source_through_every_family(api, workspace, collection, collection_path):
    created = api.post(
        "/layar/liveSource",
        {"liveSourceType": "RSS", "name": "News Feed", "url": "https://n.example/rss"},
        format="json",
    ).json()
    connector_id = created["id"]
    assert api.post("/connectors/News%20Feed/stop").json()["state"] == "STOPPED"
    shown = _everywhere(api, workspace, collection_path, connector_id, "News%20Feed")
    assert shown["001"].json()["storage_type"] == "RSS"
    assert shown["001"].json()["storage_config"] == {
        "url": "https://n.example/rss",
        "runMode": "SCAN_ONCE",
    }
    assert shown["004"].json()["scheduler_type"] == "once"
    assert shown["003"].json()["state"] == "stopped"

    patched = api.patch(
        f"{collection_path}/connectors/{connector_id}",
        {"config": {"runMode": "CONTINUOUS"}},
        format="json",
    )
    assert patched.json()["schedule"]["cron"] == "0 * * * *"
    assert api.get(f"/layar/liveSource/{connector_id}").json()["runMode"] == "CONTINUOUS"

    _associate(api, workspace, connector_id, collection)
    assert api.post("/connectors/News%20Feed/start").json()["state"] == "STARTING"
    triggered = api.post(f"{collection_path}/connectors/{connector_id}/sync")
    assert triggered.status_code == 202
    assert api.get(f"/layar/liveSource/{connector_id}/jobStatus").json()["status"] == "queued"

    assert api.delete(f"{collection_path}/connectors/{connector_id}").status_code == 204
    _gone(api, workspace, collection_path, connector_id, "News%20Feed")


def test_workspace_connector_through_every_family(api, workspace, collection, collection_path):
    created = api.post(
        f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=imed",
        {
            "name": "jira-ops",
            "type": "jira",
            "slots": {"base_url": "https://acme.atlassian.net"},
            "credentials": {"email": "bot@acme.example", "api_token": JIRA_TOKEN},
        },
        format="json",
    ).json()
    connector_id = created["id"]
    shown = _everywhere(api, workspace, collection_path, connector_id, "jira-ops")
    for response in shown.values():
        assert JIRA_TOKEN not in response.content.decode()
    assert shown["001"].json()["storage_config"]["api_token"] == MASK
    assert shown["001"].json()["storage_config"]["email"] == "bot@acme.example"
    assert shown["000"].json()["liveSourceType"] == "jira"

    _associate(api, workspace, connector_id, collection)  # imed: the first sync is queued
    syncs = api.get(f"{collection_path}/connectors/{connector_id}/sync").json()["data"]
    assert [s["trigger"] for s in syncs] == ["association"]
    cancelled = api.post(f"{collection_path}/connectors/{connector_id}/sync/cancel")
    assert cancelled.json()["status"] == "cancelled"

    assert api.delete("/connectors/jira-ops").status_code == 204
    _gone(api, workspace, collection_path, connector_id, "jira-ops")


def test_collection_connector_through_every_family(api, workspace, collection_path):
    created = api.post(
        f"{collection_path}/connectors",
        {
            "name": "warehouse",
            "type": "test-db",
            "config": {"connector_config": {"host": "db.example.com", "port": 5432}},
            "credentials": {"connector_config": {"password": DB_PASSWORD}},
        },
        format="json",
    ).json()
    connector_id = created["id"]
    shown = _everywhere(api, workspace, collection_path, connector_id, "warehouse")
    for response in shown.values():
        assert response.status_code == 200
        assert DB_PASSWORD not in response.content.decode()
    assert shown["004"].json()["credentials"]["connector_config"]["password"] == MASK
    assert shown["001"].json()["storage_config"]["connector_config"]["host"] == "db.example.com"

    edited = api.put(
        "/connectors/warehouse",
        {
            "storage_type": "test-db",
            "storage_config": {
                **shown["001"].json()["storage_config"],
                "operations_config": {"batch_size": 10},
            },
        },
        format="json",
    )
    assert edited.status_code == 200
    assert edited.json()["storage_config"]["operations_config"] == {"batch_size": 10}

    assert api.get("/connectors/warehouse/fail").json()["state"] == "FAILED"
    assert api.delete(f"/layar/liveSource/{connector_id}").status_code == 204
    _gone(api, workspace, collection_path, connector_id, "warehouse")
