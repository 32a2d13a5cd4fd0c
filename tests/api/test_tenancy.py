"""Each workspace sees only itself: other workspaces' objects do not exist (404); a path naming a
workspace the caller does not belong to is a 403."""

import pytest
from django.middleware.csrf import get_token
from django.test import RequestFactory

from config.api.base import SESSION_WORKSPACE_KEY
from syncs.models import Document
from tenancy import services
from tests.api.conftest import s3_body

pytestmark = pytest.mark.database


@pytest.fixture
def foreign(other_api, other_workspace):
    """A connector, space and collection of the other workspace, made through its own key."""
    space = other_api.post("/v1/spaces", {"name": "Theirs"}, format="json").json()
    collection = other_api.post(
        f"/v1/spaces/{space['id']}/collections", {"name": "Their docs"}, format="json"
    ).json()
    base = f"/v1/spaces/{space['id']}/collections/{collection['id']}"
    connector = other_api.post(
        f"{base}/connectors",
        {
            "name": "their-db",
            "type": "test-db",
            "config": {"connector_config": {"host": "h", "port": 1}},
        },
        format="json",
    ).json()
    Document.objects.create(connector_id=connector["id"], external_id="x", content_hash="h")
    return {"space": space, "collection": collection, "connector": connector, "base": base}


def test_another_workspaces_objects_are_404_in_every_family(api, foreign, collection_path):
    connector_id = foreign["connector"]["id"]
    base = foreign["base"]
    document_id = Document.objects.get(connector_id=connector_id).pk
    for method, path in [
        ("get", f"/layar/liveSource/{connector_id}"),
        ("get", f"/layar/liveSource/{connector_id}/jobStatus"),
        ("get", f"/layar/liveSource/{connector_id}/sourceDocuments"),
        ("delete", f"/layar/liveSource/{connector_id}"),
        ("get", f"/connectors/{connector_id}"),
        ("get", "/connectors/their-db"),
        ("post", "/connectors/their-db/stop"),
        ("delete", "/connectors/their-db"),
        ("get", f"/v1/spaces/{foreign['space']['id']}"),
        ("delete", f"/v1/spaces/{foreign['space']['id']}"),
        ("get", f"{base}"),
        ("get", f"{base}/connectors"),
        ("get", f"{base}/connectors/{connector_id}"),
        ("post", f"{base}/connectors/{connector_id}/sync"),
        ("get", f"{base}/documents/{document_id}"),
        ("get", f"{collection_path}/connectors/{connector_id}"),
        ("post", f"{collection_path}/connectors/{connector_id}/sync"),
    ]:
        response = getattr(api, method)(path)
        assert response.status_code == 404, (method, path)
    assert [c["name"] for c in api.get("/connectors").json()] == []
    assert api.get("/layar/liveSource").json()["total"] == 0
    assert [s["name"] for s in api.get("/v1/spaces").json()["data"]] == ["Research"]


def test_a_foreign_connector_cannot_join_my_collection(api, foreign, workspace, collection):
    response = api.post(
        f"/v1/connector/create_connector_collection_association/{workspace.slug}",
        {"connector_id": foreign["connector"]["id"], "collection_id": str(collection.pk)},
        format="json",
    )
    assert response.status_code == 404
    theirs = foreign["collection"]["id"]
    mine = api.post(
        f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=imed",
        {"name": "w", "type": "web_scraper", "slots": {"url": "https://x"}},
        format="json",
    ).json()
    response = api.post(
        f"/v1/connector/create_connector_collection_association/{workspace.slug}",
        {"connector_id": mine["id"], "collection_id": theirs},
        format="json",
    )
    assert response.status_code == 404


def test_a_path_naming_another_workspace_is_403(api, other_workspace):
    for path in [
        f"/v1/connector/list_connectors/{other_workspace.slug}",
        f"/v1/connector/list_connectors/{other_workspace.pk}",
    ]:
        assert api.get(path).status_code == 403
    response = api.post(
        f"/v1/connector/create_connector/{other_workspace.pk}?scheduler_type=imed",
        {"name": "w", "type": "web_scraper", "slots": {"url": "https://x"}},
        format="json",
    )
    assert response.status_code == 403
    assert api.get("/v1/connector/list_connectors/no-such-workspace").status_code == 404


def test_a_key_naming_another_workspace_in_the_header_is_403(api, other_workspace, workspace):
    assert api.get("/connectors", HTTP_X_WORKSPACE=other_workspace.slug).status_code == 403
    assert api.get("/connectors", HTTP_X_WORKSPACE=workspace.slug).status_code == 200


def _post(client, path, body):
    request = RequestFactory().get("/")
    request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    token = get_token(request)
    client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    return client.post(path, body, format="json", HTTP_X_CSRFTOKEN=token)


def test_personas(session_client, owner, editor, viewer, outsider, workspace, collection_path):
    made = _post(session_client(owner), "/connectors/owned", s3_body())
    assert made.status_code == 201

    editor_client = session_client(editor)
    assert _post(editor_client, "/connectors/edited", s3_body()).status_code == 201
    assert editor_client.get(f"{collection_path}/connectors?scope=workspace").status_code == 200

    viewer_client = session_client(viewer)
    assert [c["name"] for c in viewer_client.get("/connectors").json()] == ["edited", "owned"]
    refused = _post(viewer_client, "/connectors/viewed", s3_body())
    assert refused.status_code == 403

    outsider_client = session_client(outsider)
    assert outsider_client.get("/connectors").status_code == 403
    assert outsider_client.get(f"{collection_path}/connectors").status_code == 404
    assert outsider_client.get(f"/connectors/{made.json()['id']}").status_code == 403
    assert outsider_client.get(f"/v1/connector/list_connectors/{workspace.slug}").status_code == 403


def test_a_session_in_several_workspaces_chooses_one(
    session_client, owner, workspace, kind_definitions
):
    second = services.workspace_create(actor=owner, name="Second", slug="second")
    client = session_client(owner)
    ambiguous = client.get("/connectors")
    assert ambiguous.status_code == 400
    assert "X-Workspace" in ambiguous.json()["errors"]["workspace"][0]

    assert _post(client, "/connectors/in-second", s3_body()).status_code == 400
    client.defaults["HTTP_X_WORKSPACE"] = second.slug
    assert _post(client, "/connectors/in-second", s3_body()).status_code == 201
    del client.defaults["HTTP_X_WORKSPACE"]

    session = client.session
    session[SESSION_WORKSPACE_KEY] = str(workspace.pk)
    session.save()
    assert client.get("/connectors").json() == []
    client.defaults["HTTP_X_WORKSPACE"] = str(second.pk)
    assert [c["name"] for c in client.get("/connectors").json()] == ["in-second"]


def test_reads_through_a_collections_path_answer_as_if_it_were_looked_up_first(
    api, session_client, owner, workspace, space, collection, make_connector, foreign
):
    """A GET by key reads a collection's connectors, documents and syncs through the path before
    looking the path up (``path_checked_by_reads``): every answer, found or 404 with its detail,
    is the one a session gets, whose path is looked up first."""
    connector = make_connector(name="db", collections=[collection])
    document = Document.objects.create(connector=connector, external_id="d", content_hash="h")
    unrelated = make_connector(name="alone")
    other_space = services.space_create(actor=owner, workspace=workspace, name="Other space")
    empty = services.collection_create(actor=owner, space=other_space, name="Empty")
    missing = "00000000-0000-4000-8000-000000000000"
    paths = {
        "mine": f"/v1/spaces/{space.pk}/collections/{collection.pk}",
        "empty": f"/v1/spaces/{other_space.pk}/collections/{empty.pk}",
        "in another space": f"/v1/spaces/{other_space.pk}/collections/{collection.pk}",
        "no such collection": f"/v1/spaces/{space.pk}/collections/{missing}",
        "no such space": f"/v1/spaces/{missing}/collections/{collection.pk}",
        "not an id": f"/v1/spaces/{space.pk}/collections/nope",
        "another workspace's": foreign["base"],
    }
    reads = [
        "/connectors",
        "/connectors?scope=workspace",
        f"/connectors/{connector.pk}",
        f"/connectors/{unrelated.pk}",
        f"/connectors/{missing}",
        "/documents",
        f"/documents/{document.pk}",
        "/documents/999999",
        f"/connectors/{connector.pk}/sync",
        f"/connectors/{unrelated.pk}/sync",
        f"/connectors/{missing}/sync",
        "/connectors/nope/sync",
    ]
    session = session_client(owner)
    answers = {}
    for name, base in paths.items():
        for read in reads:
            by_key, by_session = api.get(base + read), session.get(base + read)
            seen = by_key.status_code, by_key.json()
            assert seen == (by_session.status_code, by_session.json()), (name, read)
            answers[name, read] = seen
    assert answers["mine", "/connectors"][0] == 200
    assert [c["name"] for c in answers["mine", "/connectors"][1]["data"]] == ["db"]
    assert answers["empty", "/connectors"] == (200, answers["empty", "/connectors"][1])
    assert answers["empty", "/connectors"][1]["data"] == []
    assert answers["empty", "/documents"][1]["data"] == []
    assert answers["mine", f"/documents/{document.pk}"][0] == 200
    assert answers["empty", f"/documents/{document.pk}"][0] == 404
    assert answers["mine", f"/connectors/{unrelated.pk}/sync"][1]["data"] == []
    for name in ("in another space", "no such collection", "not an id"):
        for read in reads:
            assert answers[name, read] == (404, answers["no such collection", reads[0]][1])
    assert answers["no such collection", reads[0]][1]["detail"] == "Collection not found."
    for name in ("no such space", "another workspace's"):
        for read in reads:
            assert answers[name, read][1]["detail"] == "Space not found.", (name, read)
