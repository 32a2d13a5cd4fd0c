"""Bad input is a clear 4xx naming the field, never a 500, and never echoes a secret."""

import pytest
from django.test import override_settings

from connectors.models import Connector
from tests.api.conftest import SECRET_KEY_VALUE, s3_body

pytestmark = pytest.mark.database


@pytest.fixture
def create_paths(workspace, collection_path):
    return [
        "/layar/liveSource",
        "/connectors/store",
        "/v1/spaces",
        f"{collection_path}/connectors",
        f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=imed",
        f"/v1/connector/create_connector_collection_association/{workspace.slug}",
    ]


def test_malformed_json_is_400(api, create_paths):
    for path in create_paths:
        response = api.generic("POST", path, '{"name": ', content_type="application/json")
        assert response.status_code == 400, path
        assert response.json() == {
            "detail": "Malformed JSON in the request body.",
            "code": "parse_error",
        }


def test_a_json_body_that_is_not_an_object_is_400(api, create_paths):
    for path in create_paths:
        response = api.generic("POST", path, "[1, 2]", content_type="application/json")
        assert response.status_code == 400, path
        assert "non_field_errors" in response.json()["errors"], path


def test_a_body_that_is_not_json_is_415(api, create_paths):
    for path in create_paths:
        response = api.generic("POST", path, "name=x", content_type="text/plain")
        assert response.status_code == 415, path


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_a_body_over_the_limit_is_413(api, create_paths):
    for path in create_paths:
        response = api.post(path, {"name": "x" * 2000}, format="json")
        assert response.status_code == 413, path
        assert response.json()["code"] == "request_too_large"
    assert not Connector.objects.exists()


def test_wrong_types_name_the_field(api, workspace, collection_path):
    cases = [
        ("/layar/liveSource", {"liveSourceType": "RSS", "name": ["a"], "url": "https://x"}, "name"),
        (
            "/connectors/store",
            {"storage_type": "AmazonS3", "storage_config": "text"},
            "storage_config",
        ),
        (
            f"{collection_path}/connectors",
            {"name": "n", "type": "test-db", "config": [1]},
            "config",
        ),
        (
            f"{collection_path}/connectors",
            {
                "name": "n",
                "type": "test-db",
                "config": {"connector_config": {"host": "h", "port": "x"}},
            },
            "config.connector_config.port",
        ),
        (
            f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=imed",
            {"name": "n", "type": "web_scraper", "slots": {"url": 5}},
            "slots.url",
        ),
        (
            f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=imed",
            {
                "name": "n",
                "type": "google_drive",
                "slots": {"root_file_id": "r"},
                "credentials": {"service_account_json": 7},
            },
            "credentials.service_account_json",
        ),
        (
            f"/v1/connector/create_connector_collection_association/{workspace.slug}",
            {"connector_id": "not-a-uuid", "collection_id": "also-not"},
            "connector_id",
        ),
    ]
    for path, body, field in cases:
        response = api.post(path, body, format="json")
        assert response.status_code == 400, (path, response.json())
        assert field in response.json()["errors"], (path, response.json())
    assert not Connector.objects.exists()


def test_unknown_enum_values_are_400(api, workspace, collection_path):
    live = api.post(
        "/layar/liveSource", {"liveSourceType": "FTP", "name": "f", "url": "ftp://x"}, format="json"
    )
    assert live.status_code == 400
    assert live.json()["errors"] == {
        "liveSourceType": ["Unsupported type 'FTP'; supported types: WEBSITE, RSS."]
    }
    storage = api.post(
        "/connectors/s", {"storage_type": "Dropbox", "storage_config": {}}, format="json"
    )
    assert "HttpData, AmazonS3, AzureStorage" in storage.json()["errors"]["storage_type"][0]
    workspace_type = api.post(
        f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=imed",
        {"name": "n", "type": "dropbox"},
        format="json",
    )
    assert "google_drive" in workspace_type.json()["errors"]["type"][0]
    scheduler = api.post(
        f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=weekly",
        {"name": "n", "type": "web_scraper", "slots": {"url": "https://x"}},
        format="json",
    )
    assert scheduler.json()["errors"] == {"scheduler_type": ["Must be one of: imed, cron, when."]}
    run_mode = api.post(
        "/layar/liveSource",
        {"liveSourceType": "RSS", "name": "f", "url": "https://x", "runMode": "sometimes"},
        format="json",
    )
    assert run_mode.json()["errors"] == {"runMode": ["Must be one of: SCAN_ONCE, CONTINUOUS."]}
    for path in ["/connectors?state=sleeping", f"{collection_path}/connectors?state=sleeping"]:
        response = api.get(path)
        assert response.status_code == 400
        assert "state" in response.json()["errors"]
    assert api.get(f"{collection_path}/connectors?scope=galaxy").status_code == 400
    assert not Connector.objects.exists()


def test_bad_ids_are_404(api, collection_path, space):
    for path in [
        "/layar/liveSource/not-a-uuid",
        "/layar/liveSource/not-a-uuid/jobStatus",
        "/connectors/no-such-connector",
        "/v1/spaces/123",
        f"/v1/spaces/{space.pk}/collections/xyz",
        f"{collection_path}/connectors/42",
        f"{collection_path}/documents/not-a-number",
        "/v1/connector/get_connector/acme/not-a-uuid",
    ]:
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] in ("not_found",), path


def test_a_live_source_id_in_the_body_must_match_the_path(api):
    created = api.post(
        "/layar/liveSource",
        {"liveSourceType": "RSS", "name": "f", "url": "https://x"},
        format="json",
    ).json()
    response = api.call("GET", f"/layar/liveSource/{created['id']}/jobStatus", {"id": "other"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"id": ["Does not match the connectorId of the path."]}


def test_bad_page_parameters_are_400(api, collection_path):
    for query in ["limit=0", "limit=101", "limit=ten", "cursor=forged"]:
        response = api.get(f"{collection_path}/connectors?{query}")
        assert response.status_code == 400, query
    response = api.call("GET", "/layar/liveSource", {"rows": -1, "start": "first"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"rows", "start"}


def test_config_errors_never_echo_secrets(api, workspace, collection_path):
    bad = s3_body(region=12)
    response = api.post("/connectors/store", bad, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"storage_config.region": ["Must be a string."]}
    assert SECRET_KEY_VALUE not in response.content.decode()

    pattern_spec_violation = api.post(
        f"{collection_path}/connectors",
        {
            "name": "db",
            "type": "test-db",
            "config": {"connector_config": {"host": "h", "port": 99999}},
            "credentials": {"connector_config": {"password": SECRET_KEY_VALUE}},
        },
        format="json",
    )
    assert pattern_spec_violation.status_code == 400
    assert SECRET_KEY_VALUE not in pattern_spec_violation.content.decode()


def test_illegal_transitions_are_409_with_the_state(api, collection_path):
    api.post("/connectors/store", s3_body(), format="json")
    api.post("/connectors/store/stop")
    created = api.get("/connectors/store").json()
    response = api.post(f"{collection_path}/connectors/{created['id']}/sync")
    assert response.status_code == 409
    assert response.json()["state"] == "stopped"
    assert "start" in response.json()["allowed_actions"]


def test_unknown_methods_are_405(api):
    response = api.patch("/connectors/store", {}, format="json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_unmatched_api_paths_answer_the_familys_json_404(api, client):
    for path in [
        "/v1/nonexistent",
        "/v1",
        "/v1/spaces/a/b/c/d/e/f/g",
        "/v1/connector/nothing/here",
        "/layar/nowhere",
        "/layar/liveSource/a/b/c",
        "/connectors/a%2Fb",
        "/connectors/a/b/c",
        "/api/nothing",
    ]:
        # With a key, and anonymous (/connectors/<name> is a route: anonymous callers get 401).
        for caller in (api,) if path.startswith("/connectors/") else (api, client):
            response = caller.get(path)
            assert response.status_code == 404, path
            assert response["Content-Type"] == "application/json", path
            assert response.json()["code"] == "not_found", path
            assert set(response.json()) == {"detail", "code"}, path
    for path in ("/v2/nonexistent", "/v2/connectors/a/b/c"):
        body = client.get(path).json()
        assert body["params"]["status"] == "FAILED" and body["responseCode"] == "NOT_FOUND"
        assert body["error"]["code"] == "NOT_FOUND" and body["ver"] == "v2"
    page = client.get("/w/no-such-workspace/nothing/here")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_storage_name_with_a_slash_is_refused_or_addressable(api, make_connector, owner):
    refused = api.post("/connectors/a%2Fb", s3_body(), format="json")
    assert refused.status_code == 400
    assert "may not contain '/'" in refused.json()["errors"]["name"][0]
    assert not Connector.objects.filter(name="a/b").exists()

    # A name made through another family keeps its "/" and is addressable URL-encoded.
    made = make_connector(name="HR/Finance")
    shown = api.get("/connectors/HR%2FFinance")
    assert shown.status_code == 200 and shown.json()["id"] == str(made.pk)
    assert api.get(f"/connectors/{made.pk}").json()["name"] == "HR/Finance"
    stopped = api.post("/connectors/HR%2FFinance/stop")
    assert stopped.status_code == 200 and stopped.json()["name"] == "HR/Finance"
    assert api.delete("/connectors/HR%2FFinance").status_code == 204
    assert api.get("/connectors/HR%2FFinance").status_code == 404
