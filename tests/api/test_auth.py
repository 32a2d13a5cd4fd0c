"""Who gets in: API keys in either header, sessions with CSRF, and nothing else."""

import pytest
from django.middleware.csrf import get_token
from django.test import RequestFactory

from tenancy import services
from tenancy.models import ApiKey
from tests.api.conftest import s3_body

pytestmark = pytest.mark.database


def _read_paths(workspace, collection_path):
    return [
        "/layar/liveSource",
        "/connectors",
        "/v1/spaces",
        f"{collection_path}/connectors",
        f"/v1/connector/list_connectors/{workspace.slug}",
    ]


def test_every_family_needs_a_key(anonymous, workspace, collection_path):
    for path in _read_paths(workspace, collection_path):
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("header", ["HTTP_X_API_KEY", "HTTP_AUTHORIZATION"])
def test_a_bad_key_is_401(anonymous, workspace, collection_path, header):
    value = "nope.nothing" if header == "HTTP_X_API_KEY" else "Bearer nope.nothing"
    for path in _read_paths(workspace, collection_path):
        response = anonymous.get(path, **{header: value})
        assert response.status_code == 401, path
        assert response.json()["detail"] == "Invalid or revoked API key."


def test_either_header_carries_the_key(api, bearer_api, workspace, collection_path):
    for path in _read_paths(workspace, collection_path):
        assert api.get(path).status_code == 200, path
        assert bearer_api.get(path).status_code == 200, path


def test_a_revoked_key_is_refused(api, admin_key):
    assert api.get("/connectors").status_code == 200
    prefix = admin_key.partition(".")[0]
    services.api_key_revoke(actor=None, api_key=ApiKey.objects.get(prefix=prefix))
    assert api.get("/connectors").status_code == 401


def test_a_viewer_key_reads_but_never_writes(
    viewer_api, api, workspace, collection, collection_path
):
    existing = api.post("/connectors/existing", s3_body(), format="json").json()
    writes = [
        ("post", "/layar/liveSource", {"liveSourceType": "RSS", "name": "f", "url": "https://x"}),
        ("post", "/connectors/mine", s3_body()),
        ("put", "/connectors/existing", s3_body()),
        ("post", "/connectors/existing/stop", None),
        ("get", "/connectors/existing/stop", None),
        ("delete", "/connectors/existing", None),
        ("delete", f"/layar/liveSource/{existing['id']}", None),
        ("post", "/v1/spaces", {"name": "S2"}),
        ("post", f"{collection_path}/connectors", {"name": "n", "type": "test-db"}),
        ("patch", f"{collection_path}/connectors/{existing['id']}", {"name": "other"}),
        ("post", f"{collection_path}/connectors/{existing['id']}/sync", None),
        (
            "post",
            f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=imed",
            {"name": "w", "type": "web_scraper", "slots": {"url": "https://x"}},
        ),
        (
            "post",
            f"/v1/connector/create_connector_collection_association/{workspace.slug}",
            {"connector_id": existing["id"], "collection_id": str(collection.pk)},
        ),
    ]
    for method, path, body in writes:
        response = getattr(viewer_api, method)(path, body, format="json")
        assert response.status_code == 403, (method, path, response.json())
        assert response.json()["detail"] == "This key or role may only read."
    assert viewer_api.get("/connectors/existing").json()["state"] == "STARTING"
    assert viewer_api.get(f"{collection_path}/connectors?scope=workspace").status_code == 200


def _csrf_token(client) -> str:
    request = RequestFactory().get("/")
    request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    token = get_token(request)
    client.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    return token


def test_sessions_work_with_csrf(session_client, owner, workspace, kind_definitions):
    client = session_client(owner)
    assert client.get("/connectors").status_code == 200

    refused = client.post("/connectors/from-browser", s3_body(), format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]

    token = _csrf_token(client)
    created = client.post(
        "/connectors/from-browser", s3_body(), format="json", HTTP_X_CSRFTOKEN=token
    )
    assert created.status_code == 201


def test_state_changing_gets_need_an_api_key(session_client, owner, api, kind_definitions):
    api.post("/connectors/store", s3_body(), format="json")
    client = session_client(owner)
    refused = client.get("/connectors/store/stop")
    assert refused.status_code == 405
    assert "POST" in refused.json()["detail"]
    assert client.get("/connectors/store").json()["state"] == "STARTING"

    token = _csrf_token(client)
    stopped = client.post("/connectors/store/stop", HTTP_X_CSRFTOKEN=token)
    assert stopped.status_code == 200
    assert stopped.json()["state"] == "STOPPED"
    assert api.get("/connectors/store/start").json()["state"] == "STARTING"
