"""API fixtures: the test kinds, keys per persona, clients, and a record of enqueued tasks."""

import json

import pytest
from rest_framework.test import APIClient

from tenancy import services
from tenancy.models import ApiKeyRole
from tests.api import kinds
from tests.servers.celery_worker import celery_processes  # noqa: F401 (a fixture)

SECRET_KEY_VALUE = "s3cr3t-Read-Key-7Qx"


@pytest.fixture
def kind_definitions(make_definition, definition):
    """Every test kind plus the conftest's ``test-db`` definition."""
    installed = kinds.install(make_definition)
    installed[definition.connector_id] = definition
    return installed


def _key(workspace, role=ApiKeyRole.ADMIN, name="tests") -> str:
    _, raw = services.api_key_create(actor=None, workspace=workspace, name=name, role=role)
    return raw


class Api(APIClient):
    """A client that sends JSON by default and can send a JSON body on GET and DELETE."""

    def call(self, method: str, path: str, body=None, **extra):
        if body is None:
            return self.generic(method, path, **extra)
        return self.generic(
            method, path, json.dumps(body), content_type="application/json", **extra
        )


def _client(raw_key: str | None = None, header: str = "X-API-Key") -> Api:
    client = Api()
    client.default_format = "json"
    if raw_key:
        if header == "Authorization":
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
        else:
            client.credentials(HTTP_X_API_KEY=raw_key)
    return client


@pytest.fixture
def admin_key(workspace):
    return _key(workspace)


@pytest.fixture
def api(admin_key, kind_definitions):
    return _client(admin_key)


@pytest.fixture
def bearer_api(admin_key, kind_definitions):
    return _client(admin_key, header="Authorization")


@pytest.fixture
def viewer_api(workspace, kind_definitions):
    return _client(_key(workspace, role=ApiKeyRole.VIEWER, name="viewer"))


@pytest.fixture
def other_api(other_workspace, kind_definitions):
    return _client(_key(other_workspace, name="other"))


@pytest.fixture
def anonymous(kind_definitions):
    return _client()


@pytest.fixture
def session_client(kind_definitions):
    """A logged-in browser session that enforces CSRF, as a browser would."""

    def make(user) -> Api:
        client = Api(enforce_csrf_checks=True)
        client.default_format = "json"
        client.force_login(user)
        return client

    return make


@pytest.fixture
def enqueued(monkeypatch):
    """Tasks sent to the broker, recorded instead of run: ``[(task name, args)]``. Requests must
    run inside ``django_capture_on_commit_callbacks(execute=True)`` for on-commit sends to fire."""
    from connectors.tasks import check_connector
    from syncs.tasks import purge_connector, run_sync

    sent = []
    for task in (check_connector, run_sync, purge_connector):
        monkeypatch.setattr(
            task, "delay", lambda *args, _name=task.name: sent.append((_name, args))
        )
    return sent


def s3_body(**overrides) -> dict:
    config = {
        "bucket_name": "reports",
        "region": "eu-west-1",
        "url": "https://s3.example.com",
        "username_read": "reader",
        "password_read": SECRET_KEY_VALUE,
        "username_write": "writer",
        "password_write": "wr1te-Secret-Key-99",
    }
    config.update(overrides)
    return {"storage_type": "AmazonS3", "storage_config": config}


@pytest.fixture
def collection_path(space, collection):
    return f"/v1/spaces/{space.pk}/collections/{collection.pk}"
