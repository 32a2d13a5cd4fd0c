"""``GET /v1/spaces/{space}/collections/{collection}/documents/changes``: the shape of a page,
the cursor's rules (400 when altered or another collection's, 410 once what it needs is purged),
``limit`` and ``fields``, and a cost per page that does not grow with the collection."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connectors import services
from syncs import retention
from syncs.feed import stamps
from syncs.models import Document
from tenancy import services as tenancy_services
from tests.api.conftest import _client, _key
from tests.feed.conftest import settled, stamps_frontier

pytestmark = [pytest.mark.database, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def warehouse(make_connector, collection, owner):
    connector = make_connector(name="warehouse")
    services.connector_associate(actor=owner, connector=connector, collection=collection)
    return connector


@pytest.fixture
def changes(collection_path):
    return f"{collection_path}/documents/changes"


def test_a_page_of_changes(api, changes, warehouse, write):
    write(warehouse, upsert=["a", "b"])
    body = api.get(changes).json()

    assert set(body) == {"data", "next_cursor", "has_more"}
    assert body["has_more"] is False and body["next_cursor"]
    assert [c["op"] for c in body["data"]] == ["upsert", "upsert"]
    first = body["data"][0]
    assert set(first) == {"op", "document", "changed_at"}
    document = first["document"]
    assert document["external_id"] == "a"
    assert document["connector_id"] == str(warehouse.pk)
    assert document["content"] == "The text of a, version 1."
    assert document["metadata"] == {"version": 1}
    assert len(document["content_hash"]) == 64
    assert Document.objects.get(pk=document["id"]).external_id == "a"

    write(warehouse, delete=["a"])
    later = api.get(changes, {"cursor": body["next_cursor"]}).json()
    assert later["data"] == [
        {
            "op": "delete",
            "document": {
                "id": document["id"],
                "connector_id": str(warehouse.pk),
                "external_id": "a",
            },
            "changed_at": later["data"][0]["changed_at"],
        }
    ]
    again = api.get(changes, {"cursor": later["next_cursor"]}).json()
    assert again["data"] == [] and again["next_cursor"]
    from_the_start = api.get(changes, {"cursor": ""}).json()  # an empty cursor: none
    assert [c["document"]["external_id"] for c in from_the_start["data"]] == ["b"]


def test_a_viewer_key_reads_the_feed(viewer_api, changes, warehouse, write):
    write(warehouse, upsert=["a"])
    assert viewer_api.get(changes).status_code == 200


def test_limit_and_has_more(api, changes, warehouse, write):
    write(warehouse, upsert=[f"d{i}" for i in range(5)])
    first = api.get(changes, {"limit": 3}).json()
    assert len(first["data"]) == 3 and first["has_more"] is True
    second = api.get(changes, {"limit": 3, "cursor": first["next_cursor"]}).json()
    assert len(second["data"]) == 2 and second["has_more"] is False
    seen = [c["document"]["external_id"] for c in first["data"] + second["data"]]
    assert sorted(seen) == [f"d{i}" for i in range(5)]


@pytest.mark.parametrize("limit", ["0", "1001", "-1", "ten"])
def test_limit_out_of_range_is_a_400_naming_it(api, changes, limit):
    response = api.get(changes, {"limit": limit})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"limit"}


def test_limit_of_1000_is_accepted(api, changes):
    assert api.get(changes, {"limit": 1000}).status_code == 200


def test_fields_trim_the_document(api, changes, warehouse, write):
    write(warehouse, upsert=["a"])
    body = api.get(changes, {"fields": "title,content_hash"}).json()
    assert set(body["data"][0]["document"]) == {
        "id",
        "connector_id",
        "external_id",
        "title",
        "content_hash",
    }
    response = api.get(changes, {"fields": "title,password"})
    assert response.status_code == 400
    assert "password" in response.json()["errors"]["fields"][0]


def test_an_altered_cursor_is_a_400(api, changes, warehouse, write):
    write(warehouse, upsert=["a"])
    cursor = api.get(changes).json()["next_cursor"]
    for bad in (cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1], "garbage"):
        response = api.get(changes, {"cursor": bad})
        assert response.status_code == 400, bad
        assert set(response.json()["errors"]) == {"cursor"}


def test_another_collections_cursor_is_a_400(api, changes, space, owner, warehouse):
    other = tenancy_services.collection_create(actor=owner, space=space, name="Other")
    cursor = api.get(f"/v1/spaces/{space.pk}/collections/{other.pk}/documents/changes").json()
    response = api.get(changes, {"cursor": cursor["next_cursor"]})
    assert response.status_code == 400
    assert "another collection" in response.json()["errors"]["cursor"][0]


def test_another_workspaces_cursor_is_a_400(api, changes, other_workspace):
    stranger = other_workspace.memberships.get().user
    space = tenancy_services.space_create(actor=stranger, workspace=other_workspace, name="S")
    theirs = tenancy_services.collection_create(actor=stranger, space=space, name="C")
    their_api = _client(_key(other_workspace, name="theirs"))
    path = f"/v1/spaces/{space.pk}/collections/{theirs.pk}/documents/changes"
    cursor = their_api.get(path).json()["next_cursor"]
    response = api.get(changes, {"cursor": cursor})
    assert response.status_code == 400
    assert api.get(path).status_code == 404  # and their collection does not exist for us


def test_a_cursor_older_than_what_is_kept_is_a_410(api, changes, warehouse, write, settings):
    settings.CONNECTOR_HUB_DELETED_DOCUMENT_RETENTION_DAYS = 30
    write(warehouse, upsert=["a", "b"])
    stale = api.get(changes).json()["next_cursor"]
    write(warehouse, delete=["a"])
    current = api.get(changes, {"cursor": stale}).json()["next_cursor"]
    Document.objects.filter(external_id="a").update(deleted_at=timezone.now() - timedelta(days=31))
    assert retention.purge_deleted_documents() == 1

    response = api.get(changes, {"cursor": stale})
    assert response.status_code == 410
    assert response.json()["code"] == "cursor_expired"
    assert "Start again without a cursor" in response.json()["detail"]
    # A consumer that read past the deletion goes on; one starting afresh too.
    assert api.get(changes, {"cursor": current}).status_code == 200
    fresh = api.get(changes).json()
    assert [c["document"]["external_id"] for c in fresh["data"]] == ["b"]


def test_the_cost_of_a_page_does_not_grow_with_the_collection(
    api, changes, warehouse, write, make_connector, collection, owner, monkeypatch
):
    archive = make_connector(name="archive")
    services.connector_associate(actor=owner, connector=archive, collection=collection)

    api.get(changes)  # the key's first use is recorded once

    def queries(documents_each: int) -> int:
        write(warehouse, upsert=[f"w{i}" for i in range(documents_each)])
        write(archive, upsert=[f"a{i}" for i in range(documents_each)])
        # Wait for the suite's other transactions before counting, then read the frontier as
        # the service does: waiting polls it as often as other processes' tests make it.
        settled()
        monkeypatch.setattr(stamps, "frontier", stamps_frontier)
        with CaptureQueriesContext(connection) as captured:
            body = api.get(changes, {"limit": 20}).json()
        assert len(body["data"]) == 20
        return len(captured)

    assert queries(30) == queries(300)


def test_the_openapi_schema_documents_the_feed_and_its_cursor(tmp_path):
    import yaml
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    path = "/v1/spaces/{space_id}/collections/{collection_id}/documents/changes"
    operation = schema["paths"][path]["get"]
    assert {"200", "400", "404", "410"} <= set(operation["responses"])
    assert "410" in operation["responses"] and "cursor" in operation["description"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["limit"]["schema"]["maximum"] == 1000
    assert {"cursor", "fields"} <= set(parameters)
    page = schema["components"]["schemas"]["ChangesPage"]
    assert {"data", "next_cursor", "has_more"} <= set(page["properties"])
