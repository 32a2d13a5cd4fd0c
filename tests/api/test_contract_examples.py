"""Every example request of the reference documents 000, 001, 003 and 004, replayed as shown
(same verbs, paths, bodies and headers, GET with a JSON body included; a valid key is added where
the example shows none), with the shape of each answer checked."""

import uuid

import pytest

from registry.sources.base import SourceDocument
from tests.api.conftest import s3_body
from tests.documents import store_documents

pytestmark = pytest.mark.database

VYASA_HEADERS = {
    "HTTP_X_VYASA_CLIENT": "layar",
    "HTTP_X_VYASA_DATA_PROVIDERS": "sample_data",
    "HTTP_X_VYASA_DATA_FABRIC": "GUEST",
}
LIVE_SOURCE_KEYS = {
    "id",
    "name",
    "description",
    "liveSourceType",
    "url",
    "runMode",
    "state",
    "stateReason",
    "config",
    "createdAt",
    "updatedAt",
}
STORAGE_KEYS = {
    "id",
    "name",
    "storage_type",
    "storage_config",
    "state",
    "state_reason",
    "created_at",
    "updated_at",
}
COLLECTION_CONNECTOR_KEYS = {
    "id",
    "name",
    "description",
    "type",
    "definition",
    "config",
    "state",
    "state_reason",
    "schedule",
    "collections",
    "created_at",
    "updated_at",
}
SYNC_KEYS = {
    "id",
    "connector_id",
    "collection_id",
    "trigger",
    "status",
    "full",
    "documents",
    "progress",
    "error",
    "queued_at",
    "started_at",
    "finished_at",
    "heartbeat_at",
    "next_attempt_at",
    "attempts",
}
WORKSPACE_CONNECTOR_KEYS = {
    "id",
    "name",
    "type",
    "workspace_id",
    "slots",
    "credentials",
    "scheduler_type",
    "scheduler_value",
    "state",
    "state_reason",
    "collections",
    "created_at",
    "updated_at",
}


# ---- 000: live sources (Layar). Clients send "Authorization: Bearer" and X-Vyasa-* headers.


@pytest.fixture
def layar(bearer_api, admin_key):
    bearer_api.credentials(HTTP_AUTHORIZATION=f"Bearer {admin_key}", **VYASA_HEADERS)
    return bearer_api


@pytest.fixture
def connector_id(layar):
    created = layar.post(
        "/layar/liveSource",
        {
            "liveSourceType": "WEBSITE",
            "name": "Docs site",
            "description": "Product documentation",
            "url": "https://docs.example.com/",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert set(created.json()) == LIVE_SOURCE_KEYS
    return created.json()["id"]


def test_000_create_rss_with_lower_case_run_mode(layar):
    created = layar.post(
        "/layar/liveSource",
        {
            "liveSourceType": "RSS",
            "name": "News",
            "description": "",
            "url": "https://news.example.com/feed.xml",
            "runMode": "continuous",
        },
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["runMode"] == "CONTINUOUS"
    uuid.UUID(created.json()["id"])


def test_000_get_import_status_with_a_json_body(layar, connector_id):
    status_uri = f"/layar/liveSource/{connector_id}/jobStatus"
    body = {"id": connector_id}
    import_status = layar.call("GET", status_uri, body)
    assert import_status.status_code == 200
    assert set(import_status.json()) == {
        "connectorId",
        "connectorState",
        "jobId",
        "status",
        "finished",
        "trigger",
        "documents",
        "progress",
        "queuedAt",
        "startedAt",
        "finishedAt",
        "attempts",
        "error",
    }
    assert import_status.json()["connectorId"] == connector_id
    # Creating the live source queued its first import.
    assert import_status.json()["status"] == "queued"
    assert import_status.json()["finished"] is False


def test_000_get_source_documents_with_a_json_body(layar, connector_id):
    store_documents(
        connector_id,
        [SourceDocument(external_id=f"p{n}", title=f"Page {n}") for n in range(60)],
    )
    con_doc_uri = f"/layar/liveSource/{connector_id}/sourceDocuments"
    body = {"id": connector_id, "rows": 50, "start": 50}
    documents = layar.call("GET", con_doc_uri, body)
    assert documents.status_code == 200
    page = documents.json()
    assert set(page) == {"connectorId", "total", "start", "rows", "documents"}
    assert (page["total"], page["start"], page["rows"]) == (60, 50, 50)
    assert [d["externalId"] for d in page["documents"]] == [f"p{n}" for n in range(50, 60)]
    assert set(page["documents"][0]) == {
        "id",
        "externalId",
        "title",
        "url",
        "mimeType",
        "size",
        "metadata",
        "sourceCreatedAt",
        "sourceUpdatedAt",
        "firstSeenAt",
        "lastSeenAt",
    }


def test_000_delete_connector_with_a_json_body(layar, connector_id):
    del_con_uri = f"/layar/liveSource/{connector_id}"
    body = {"id": connector_id}
    response = layar.call("DELETE", del_con_uri, body)
    assert response.status_code == 204
    assert response.content == b""
    assert layar.call("GET", f"{del_con_uri}/jobStatus", body).status_code == 404


# ---- 001: named storage connectors.

AZURE_BODY = {
    "storage_type": "AzureStorage",
    "storage_config": {
        "container_name": "<container-name>",
        "region": "<region>",
        "url": "<url>",
        "account_name_read": "<account-name-read>",
        "account_key_read": "<account-key-read>",
        "account_name_write": "<account-name-write>",
        "account_key_write": "<account-key-write>",
    },
}
S3_BODY = {
    "storage_type": "AmazonS3",
    "storage_config": {
        "bucket_name": "<bucket-name>",
        "region": "<region>",
        "url": "<url>",
        "username_read": "<username-read>",
        "password_read": "<password-read>",
        "username_write": "<username-write>",
        "password_write": "<password-write>",
    },
}
HTTP_DATA_BODY = {"storage_type": "HttpData", "storage_config": {"url": "https://data.example/"}}


@pytest.mark.parametrize("body", [S3_BODY, AZURE_BODY, HTTP_DATA_BODY])
def test_001_create_edit_get_start_stop_fail_delete(api, body):
    created = api.post("/connectors/my-storage", body, format="json")
    assert created.status_code == 201, created.json()
    assert set(created.json()) == STORAGE_KEYS
    assert created.json()["storage_type"] == body["storage_type"]
    assert created.json()["state"] == "STARTING"
    for key, value in created.json()["storage_config"].items():
        if "password" in key or "account_key" in key:
            assert value == "**********"

    edited = api.put("/connectors/my-storage", body, format="json")
    assert edited.status_code == 200
    assert set(edited.json()) == STORAGE_KEYS

    listed = api.get("/connectors")
    assert listed.status_code == 200
    assert [set(c) for c in listed.json()] == [STORAGE_KEYS]

    assert api.get("/connectors/my-storage").json()["id"] == created.json()["id"]
    assert api.get("/connectors/my-storage/stop").json()["state"] == "STOPPED"
    assert api.get("/connectors/my-storage/start").json()["state"] == "STARTING"
    assert api.get("/connectors/my-storage/fail").json()["state"] == "FAILED"

    assert api.delete("/connectors/my-storage").status_code == 204
    assert api.get("/connectors/my-storage").status_code == 404


# ---- 003: collection connectors and syncs.


def test_003_list_connectors(api, collection_path):
    response = api.get(f"{collection_path}/connectors")
    assert response.status_code == 200
    assert response.json() == {"data": [], "next_cursor": None}


def test_003_create_with_the_placeholder_type_is_a_clear_400(api, collection_path):
    response = api.generic(
        "POST",
        f"{collection_path}/connectors",
        '{"name": "New Connector", "type": "external_source"}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="unique_key",
    )
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == ["type"]
    assert "Unknown connector type 'external_source'" in body["errors"]["type"][0]
    assert "test-db" in body["errors"]["type"][0]  # the types that do exist are listed


@pytest.fixture
def collection_connector(api, collection_path):
    created = api.post(
        f"{collection_path}/connectors",
        {
            "name": "New Connector",
            "type": "test-db",
            "config": {"connector_config": {"host": "db.example.com", "port": 5432}},
            "credentials": {"connector_config": {"password": "pw-Zx81"}},
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="unique_key",
    )
    assert created.status_code == 201, created.json()
    assert set(created.json()) == COLLECTION_CONNECTOR_KEYS
    return created.json()["id"]


def test_003_update_delete(api, collection_path, collection_connector):
    url = f"{collection_path}/connectors/{collection_connector}"
    updated = api.generic(
        "PATCH", url, '{"name": "Updated Connector Name"}', content_type="application/json"
    )
    assert updated.status_code == 200
    assert updated.json()["name"] == "Updated Connector Name"
    assert set(updated.json()) == COLLECTION_CONNECTOR_KEYS

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_003_trigger_list_cancel_syncs(api, collection_path, collection_connector):
    url = f"{collection_path}/connectors/{collection_connector}/sync"
    triggered = api.generic("POST", url, content_type="application/json")
    assert triggered.status_code == 202
    assert set(triggered.json()) == SYNC_KEYS
    assert triggered.json()["status"] == "queued"

    listed = api.get(url)
    assert listed.status_code == 200
    assert set(listed.json()) == {"data", "next_cursor"}
    assert [s["id"] for s in listed.json()["data"]] == [triggered.json()["id"]]

    one = api.get(f"{url}/{triggered.json()['id']}")
    assert one.status_code == 200 and set(one.json()) == SYNC_KEYS

    cancelled = api.post(f"{url}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"


# ---- 004: workspace connectors with schedulers.

SLOT_EXAMPLES = {
    "google_drive": {
        "root_file_id": "id or URL of a google drive file or folder",
        "root_item_ids": ["list of root_item_id or root_item_url"],
    },
    "web_scraper": {
        "url": "url to be extracted",
        "extraction_type": "single",
        "email": "user email",
    },
    "confluence": {
        "base_url": "https://aumo.atlassian.net",
        "cql_query": "string do query do CQL",
        "config": {"include_attachments": True, "search_children": True, "search_folders": False},
        "spaces": ["lista de string", "upload de todas as pags do space"],
        "pages": ["lista de string", "link de páginas", "sem os filhos"],
        "pages_w_child": ["link de páginas", "tbm faz upload dos filhos"],
        "folders": ["upload de todas as pags da pasta"],
        "upload_all_data": False,
    },
    "jira": {
        "base_url": "https://aumo.atlassian.net",
        "jql_query": "string do query do JQL",
        "config": {
            "include_attachments": True,
            "search_children_issues": True,
            "search_parent_issues": False,
        },
    },
    "sharepoint": {"urls": ["sharepoint_url_01", "sharepoint_url_02"]},
    "onedrive": {"urls": ["onedrive_url_01", "onedrive_url_02"]},
}


def test_004_the_template_body_is_refused_naming_the_fields(api, workspace):
    response = api.post(
        f"/v1/connector/create_connector/{workspace.pk}?scheduler_type=imed",
        {"id": "string", "name": "string", "credentials": {}, "slots": {}, "type": "string"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["id"]


@pytest.mark.parametrize("type_name", sorted(SLOT_EXAMPLES))
def test_004_create_connector_for_each_documented_type(api, workspace, type_name):
    response = api.post(
        f"/v1/connector/create_connector/{workspace.pk}?scheduler_type=imed",
        {
            "name": f"My {type_name}",
            "credentials": {},
            "slots": SLOT_EXAMPLES[type_name],
            "type": type_name,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert set(created) == WORKSPACE_CONNECTOR_KEYS
    assert created["type"] == type_name
    assert created["scheduler_type"] == "imed"
    for slot, value in SLOT_EXAMPLES[type_name].items():
        assert created["slots"][slot] == value
    uuid.UUID(created["id"])


def test_004_create_connector_collection_association(api, workspace, collection):
    created = api.post(
        f"/v1/connector/create_connector/{workspace.pk}?scheduler_type=imed",
        {"name": "Scraper", "slots": SLOT_EXAMPLES["web_scraper"], "type": "web_scraper"},
        format="json",
    ).json()
    response = api.post(
        f"/v1/connector/create_connector_collection_association/{workspace.pk}",
        {"connector_id": created["id"], "collection_id": str(collection.pk)},
        format="json",
    )
    assert response.status_code == 201
    assert set(response.json()) == {"connector_id", "collection_id", "created_at", "sync"}
    assert response.json()["sync"]["trigger"] == "association"


def test_004_google_drive_with_credentials(api, workspace):
    response = api.post(
        f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=cron&scheduler_value=0 6 * * *",
        {
            "name": "Drive",
            "type": "google_drive",
            "slots": SLOT_EXAMPLES["google_drive"],
            "credentials": {"service_account_json": '{"type": "service_account"}'},
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["credentials"] == {"service_account_json": "**********"}
    assert response.json()["scheduler_value"] == "0 6 * * *"


def test_004_impersonated_drive_needs_its_target_account(api, workspace):
    path = f"/v1/connector/create_connector/{workspace.pk}?scheduler_type=imed"
    body = {"name": "Drive as", "type": "impersonated_google_drive", "slots": {"root_file_id": "x"}}
    refused = api.post(path, body, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"slots.target_account": ["This field is required."]}
    body["slots"]["target_account"] = "someone@example.com"
    assert api.post(path, body, format="json").status_code == 201


def test_001_s3_body_from_the_fixtures_is_valid(api):
    assert api.post("/connectors/s3", s3_body(), format="json").status_code == 201
