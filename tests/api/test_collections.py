"""The collection API (003): spaces, collections, their connectors and documents."""

import pytest
from django.utils import timezone

from connectors import credentials
from connectors.lifecycle import State
from connectors.models import Connector, ConnectorCollection
from syncs.models import Document
from tenancy import services as tenancy_services
from tenancy.models import Collection

pytestmark = pytest.mark.database

MASK = "**********"
DB_CONFIG = {"connector_config": {"host": "db.example.com", "port": 5432, "username": "reader"}}
DB_SECRET = {"connector_config": {"password": "Pw-For-The-Db-31"}}


def test_spaces_and_collections_crud(api):
    space = api.post("/v1/spaces", {"name": "Legal", "description": "Contracts"}, format="json")
    assert space.status_code == 201
    space_id = space.json()["id"]
    assert api.get(f"/v1/spaces/{space_id}").json()["description"] == "Contracts"
    renamed = api.patch(f"/v1/spaces/{space_id}", {"name": "Legal team"}, format="json")
    assert renamed.json()["name"] == "Legal team"
    assert renamed.json()["description"] == "Contracts"

    collection = api.post(f"/v1/spaces/{space_id}/collections", {"name": "NDAs"}, format="json")
    assert collection.status_code == 201
    collection_id = collection.json()["id"]
    assert collection.json()["space_id"] == space_id
    patched = api.patch(
        f"/v1/spaces/{space_id}/collections/{collection_id}", {"description": "All"}, format="json"
    )
    assert patched.json()["description"] == "All"
    listed = api.get(f"/v1/spaces/{space_id}/collections").json()
    assert [c["name"] for c in listed["data"]] == ["NDAs"]

    refused = api.delete(f"/v1/spaces/{space_id}")
    assert refused.status_code == 409
    assert "collections" in refused.json()["detail"]
    assert api.delete(f"/v1/spaces/{space_id}/collections/{collection_id}").status_code == 204
    assert api.delete(f"/v1/spaces/{space_id}").status_code == 204
    assert api.get(f"/v1/spaces/{space_id}").status_code == 404


def test_duplicate_names_and_missing_fields_are_400(api, space):
    assert api.post("/v1/spaces", {"name": space.name}, format="json").json()["errors"] == {
        "name": ["A space with this name already exists in this workspace."]
    }
    assert api.post("/v1/spaces", {}, format="json").json()["errors"] == {
        "name": ["This field is required."]
    }


def test_create_applies_defaults_merges_credentials_and_associates(
    api, collection_path, collection
):
    response = api.post(
        f"{collection_path}/connectors",
        {"name": "Warehouse", "type": "test-db", "config": DB_CONFIG, "credentials": DB_SECRET},
        format="json",
    )
    assert response.status_code == 201
    created = response.json()
    assert created["config"]["operations_config"] == {"batch_size": 100}
    assert created["config"]["connector_config"]["password"] == MASK
    assert created["collections"] == [str(collection.pk)]
    assert "Pw-For-The-Db-31" not in response.content.decode()
    connector = Connector.objects.get(pk=created["id"])
    assert credentials.full_config(connector)["connector_config"]["password"] == "Pw-For-The-Db-31"
    assert connector.workspace_id == collection.space.workspace_id


def test_type_may_be_a_registry_id(api, collection_path):
    response = api.post(
        f"{collection_path}/connectors",
        {"name": "By registry id", "type": "test-db-1.0.0", "config": DB_CONFIG},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["definition"] == "test-db-1.0.0"


def test_a_config_error_is_named_under_config(api, collection_path):
    response = api.post(
        f"{collection_path}/connectors",
        {"name": "Bad", "type": "test-db", "config": {"connector_config": {"host": "h"}}},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "config.connector_config.port": ["This field is required."]
    }
    assert not Connector.objects.exists()


def test_patch_merges_the_config_and_keeps_secrets(api, collection_path):
    created = api.post(
        f"{collection_path}/connectors",
        {"name": "Warehouse", "type": "test-db", "config": DB_CONFIG, "credentials": DB_SECRET},
        format="json",
    ).json()
    url = f"{collection_path}/connectors/{created['id']}"
    Connector.objects.filter(pk=created["id"]).update(state=State.RUNNING)
    patched = api.patch(
        url,
        {
            "description": "Nightly",
            "config": {"connector_config": {"port": 6543, "username": None}},
        },
        format="json",
    )
    assert patched.status_code == 200
    body = patched.json()
    assert body["description"] == "Nightly"
    assert body["config"]["connector_config"] == {
        "host": "db.example.com",
        "port": 6543,
        "password": MASK,
    }
    assert body["state"] == "starting"  # a new config is checked again
    stored = credentials.full_config(Connector.objects.get(pk=created["id"]))
    assert stored["connector_config"]["password"] == "Pw-For-The-Db-31"

    echoed = api.patch(url, {"config": body["config"]}, format="json")
    assert echoed.status_code == 200
    new_secret = api.patch(
        url, {"credentials": {"connector_config": {"password": "N3w-Pw-42"}}}, format="json"
    )
    assert new_secret.json()["config"]["connector_config"]["password"] == MASK
    stored = credentials.full_config(Connector.objects.get(pk=created["id"]))
    assert stored["connector_config"]["password"] == "N3w-Pw-42"


def test_delete_dissociates_and_deletes_when_no_collection_is_left(
    api, collection_path, space, owner
):
    from connectors import services

    second = tenancy_services.collection_create(actor=owner, space=space, name="Second")
    created = api.post(
        f"{collection_path}/connectors",
        {"name": "Shared", "type": "test-db", "config": DB_CONFIG},
        format="json",
    ).json()
    connector = Connector.objects.get(pk=created["id"])
    services.connector_associate(actor=owner, connector=connector, collection=second)

    second_path = f"/v1/spaces/{space.pk}/collections/{second.pk}"
    assert api.delete(f"{second_path}/connectors/{created['id']}").status_code == 204
    assert Connector.objects.filter(pk=created["id"]).exists()
    assert api.delete(f"{second_path}/connectors/{created['id']}").status_code == 404

    assert api.delete(f"{collection_path}/connectors/{created['id']}").status_code == 204
    assert not Connector.objects.filter(pk=created["id"]).exists()
    assert Connector.all_objects.get(pk=created["id"]).deleted_at is not None


def test_list_shows_the_collection_or_the_workspace(api, collection_path, make_connector):
    make_connector(name="Elsewhere")
    api.post(
        f"{collection_path}/connectors",
        {"name": "Here", "type": "test-db", "config": DB_CONFIG},
        format="json",
    )
    here = api.get(f"{collection_path}/connectors").json()["data"]
    assert [c["name"] for c in here] == ["Here"]
    everywhere = api.get(f"{collection_path}/connectors?scope=workspace").json()["data"]
    assert [c["name"] for c in everywhere] == ["Elsewhere", "Here"]
    assert [
        c["name"] for c in api.get(f"{collection_path}/connectors?name=here").json()["data"]
    ] == ["Here"]


def test_deleting_a_collection_keeps_its_connectors(api, space, collection_path, collection):
    created = api.post(
        f"{collection_path}/connectors",
        {"name": "Kept", "type": "test-db", "config": DB_CONFIG},
        format="json",
    ).json()
    assert api.delete(collection_path).status_code == 204
    assert not Collection.objects.filter(pk=collection.pk).exists()
    assert Connector.objects.filter(pk=created["id"]).exists()
    assert not ConnectorCollection.objects.exists()


def test_documents_of_a_collection(api, collection_path, collection, make_connector, owner):
    from connectors import services

    inside = make_connector(name="Inside", collections=[collection])
    second = make_connector(name="Second", collections=[collection])
    outside = make_connector(name="Outside")
    for connector in (inside, second, outside):
        Document.objects.create(
            connector=connector,
            external_id=f"{connector.name}-1",
            title=f"From {connector.name}",
            content=f"Text of {connector.name}",
            content_hash="h",
            metadata={"lang": "en"},
        )
    listed = api.get(f"{collection_path}/documents").json()
    assert [d["title"] for d in listed["data"]] == ["From Inside", "From Second"]
    assert "content" not in listed["data"][0]
    only = api.get(f"{collection_path}/documents?connector={second.pk}").json()["data"]
    assert [d["title"] for d in only] == ["From Second"]

    one = api.get(f"{collection_path}/documents/{only[0]['id']}").json()
    assert one["content"] == "Text of Second"
    assert one["metadata"] == {"lang": "en"}
    outside_doc = Document.objects.get(connector=outside)
    assert api.get(f"{collection_path}/documents/{outside_doc.pk}").status_code == 404
    assert api.get(f"{collection_path}/documents/not-a-number").status_code == 404
    Document.objects.filter(connector=inside).update(deleted_at=timezone.now())
    gone = Document.objects.get(connector=inside)
    assert api.get(f"{collection_path}/documents/{gone.pk}").status_code == 404
    Document.objects.filter(connector=inside).update(deleted_at=None)

    services.connector_delete(actor=owner, connector=second)
    listed = api.get(f"{collection_path}/documents").json()
    assert [d["title"] for d in listed["data"]] == ["From Inside"]
