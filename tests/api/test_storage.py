"""The named storage API (001): names, secrets, edit, lifecycle, addressing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connectors import credentials
from connectors.lifecycle import State
from connectors.models import Connector
from tests.api.conftest import SECRET_KEY_VALUE, s3_body

pytestmark = pytest.mark.database

MASK = "**********"


def test_secrets_are_stored_encrypted_and_masked_everywhere(api):
    created = api.post("/connectors/reports", s3_body(), format="json")
    assert created.status_code == 201
    assert SECRET_KEY_VALUE not in created.content.decode()
    assert created.json()["storage_config"]["password_read"] == MASK
    connector = Connector.objects.get(name="reports")
    assert "password_read" not in connector.config
    assert SECRET_KEY_VALUE not in connector.credential.token
    assert credentials.full_config(connector)["password_read"] == SECRET_KEY_VALUE
    for path in ("/connectors", "/connectors/reports"):
        assert SECRET_KEY_VALUE not in api.get(path).content.decode()


@pytest.mark.parametrize(
    "name", ["Reports", "-reports", "reports-", "a" * 64, "with space", "under_score"]
)
def test_names_follow_the_storage_rule(api, name):
    response = api.post(f"/connectors/{name}", s3_body(), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]


def test_a_taken_name_is_refused(api):
    assert api.post("/connectors/reports", s3_body(), format="json").status_code == 201
    again = api.post("/connectors/reports", s3_body(), format="json")
    assert again.status_code == 400
    assert again.json()["errors"] == {
        "name": ["A connector with this name already exists in this workspace."]
    }


def test_put_restarts_with_the_new_config_and_keeps_masked_secrets(api):
    api.post("/connectors/reports", s3_body(), format="json")
    Connector.objects.filter(name="reports").update(state=State.RUNNING)
    shown = api.get("/connectors/reports").json()
    edited = api.put(
        "/connectors/reports",
        {
            "storage_type": "AmazonS3",
            "storage_config": {**shown["storage_config"], "region": "us-east-2"},
        },
        format="json",
    )
    assert edited.status_code == 200
    assert edited.json()["state"] == "STARTING"
    assert edited.json()["storage_config"]["region"] == "us-east-2"
    stored = credentials.full_config(Connector.objects.get(name="reports"))
    assert stored["password_read"] == SECRET_KEY_VALUE
    assert stored["region"] == "us-east-2"


def test_put_on_a_stopped_connector_keeps_it_stopped(api):
    api.post("/connectors/reports", s3_body(), format="json")
    api.post("/connectors/reports/stop")
    edited = api.put("/connectors/reports", s3_body(region="ap-south-1"), format="json")
    assert edited.json()["state"] == "STOPPED"


def test_put_may_change_to_another_storage_type_only(api):
    api.post("/connectors/reports", s3_body(), format="json")
    response = api.put(
        "/connectors/reports",
        {"storage_type": "WEBSITE", "storage_config": {"url": "https://x.example/"}},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["storage_type"]
    assert (
        "supported types: HttpData, AmazonS3, AzureStorage"
        in response.json()["errors"]["storage_type"][0]
    )
    moved = api.put(
        "/connectors/reports",
        {"storage_type": "HttpData", "storage_config": {"url": "https://x.example/"}},
        format="json",
    )
    assert moved.status_code == 200
    assert moved.json()["storage_type"] == "HttpData"
    assert moved.json()["storage_config"]["url"] == "https://x.example/"
    connector = Connector.objects.get(name="reports")
    assert SECRET_KEY_VALUE not in str(credentials.full_config(connector))


def test_the_collection_api_refuses_a_type_change(api, collection_path):
    created = api.post(
        f"{collection_path}/connectors",
        {"name": "feed", "type": "RSS", "config": {"url": "https://x.example/rss"}},
        format="json",
    )
    assert created.status_code == 201, created.content
    response = api.patch(
        f"{collection_path}/connectors/{created.json()['id']}", {"type": "WEBSITE"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "type": ["The type of a connector cannot change through this API."]
    }


def test_put_on_an_unknown_name_is_404(api):
    assert api.put("/connectors/nothing", s3_body(), format="json").status_code == 404


def test_lifecycle_by_get_and_post(api):
    api.post("/connectors/reports", s3_body(), format="json")
    assert api.get("/connectors/reports/stop").json()["state"] == "STOPPED"
    assert api.post("/connectors/reports/stop").json()["state"] == "STOPPED"  # no-op
    assert api.post("/connectors/reports/fail").json()["state"] == "FAILED"
    assert api.get("/connectors/reports").json()["state_reason"] == "Failed by request."
    assert api.post("/connectors/reports/start").json()["state"] == "STARTING"


def test_other_connectors_by_encoded_name_or_uuid(api, make_connector):
    other = make_connector(name="Warehouse DB (EU)")
    by_name = api.get("/connectors/Warehouse%20DB%20%28EU%29")
    assert by_name.status_code == 200
    assert by_name.json()["storage_type"] == "test-db"
    assert by_name.json()["storage_config"]["connector_config"]["password"] == MASK
    assert api.get(f"/connectors/{other.pk}").json()["name"] == "Warehouse DB (EU)"
    assert api.post(f"/connectors/{other.pk}/stop").json()["state"] == "STOPPED"
    assert api.delete("/connectors/Warehouse%20DB%20%28EU%29").status_code == 204
    assert api.get(f"/connectors/{other.pk}").status_code == 404


def test_list_is_by_name_and_filters(api):
    api.post("/connectors/zeta", s3_body(), format="json")
    api.post("/connectors/alpha", s3_body(), format="json")
    api.post(
        "/connectors/web",
        {"storage_type": "HttpData", "storage_config": {"url": "https://x"}},
        format="json",
    )
    api.post("/connectors/zeta/stop")
    assert [c["name"] for c in api.get("/connectors").json()] == ["alpha", "web", "zeta"]
    assert [c["name"] for c in api.get("/connectors?state=stopped").json()] == ["zeta"]
    assert [c["name"] for c in api.get("/connectors?type=HttpData").json()] == ["web"]
    assert [c["name"] for c in api.get("/connectors?name=ET").json()] == ["zeta"]
    assert api.get("/connectors?created_before=2000-01-01T00:00:00Z").json() == []
    assert len(api.get("/connectors?created_after=2000-01-01T00:00:00Z").json()) == 3


def test_the_list_written_by_the_database_shows_what_each_get_shows(api, make_connector):
    """On PostgreSQL the database writes the list's JSON; it must be byte for byte what the
    serializer writes, whatever the text holds, and a row without a stored masked config
    still shows its config."""
    api.post("/connectors/reports", s3_body(), format="json")
    names = ['quote " back \\ slash', "tab\tnew\nline \x01 \x7f", "ünï 中文 \u2028 😀", "a/b"]
    for name in names:
        make_connector(name=name)
    Connector.objects.filter(name="a/b").update(
        state_reason='failed: "x" \\ y',
        created_at=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    )
    with CaptureQueriesContext(connection) as queries:
        listed = api.get("/connectors")
    written = any("to_json(" in query["sql"] for query in queries)
    assert written == (connection.vendor == "postgresql")
    by_orm = api.get("/connectors?created_after=2000-01-01T00:00:00Z")
    assert listed.content == by_orm.content
    rows = listed.json()
    assert [row["name"] for row in rows] == sorted([*names, "reports"])
    assert rows == [api.get(f"/connectors/{row['id']}").json() for row in rows]
    assert next(row for row in rows if row["name"] == "a/b")["created_at"] == "2026-01-02T03:04:05Z"
    assert SECRET_KEY_VALUE not in listed.content.decode()
    indented = api.get("/connectors", HTTP_ACCEPT="application/json; indent=4")
    assert indented.content.startswith(b"[\n    {") and indented.json() == rows

    Connector.objects.filter(name="reports").update(masked_config="")
    assert api.get("/connectors").json() == rows
