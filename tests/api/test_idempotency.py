"""Idempotency-Key on every creating POST: replay, conflict, reuse, scope, expiry."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from connectors.models import Connector, IdempotencyRecord
from syncs.models import Sync
from tenancy.models import ApiKeyRole
from tests.api.conftest import SECRET_KEY_VALUE, _client, _key, s3_body

pytestmark = pytest.mark.database


@pytest.fixture
def creating_posts(workspace, collection_path, collection, make_connector):
    """``(path, body)`` of every creating POST, one per family and kind of creation."""
    existing = make_connector(name="existing", collections=[collection])
    loose = make_connector(name="loose")
    return [
        (
            "/layar/liveSource",
            {"liveSourceType": "RSS", "name": "feed", "url": "https://f.example"},
        ),
        ("/connectors/store", s3_body()),
        ("/v1/spaces", {"name": "Another space"}),
        (collection_path.rsplit("/collections", 1)[0] + "/collections", {"name": "More"}),
        (
            f"{collection_path}/connectors",
            {
                "name": "db",
                "type": "test-db",
                "config": {"connector_config": {"host": "h", "port": 2}},
            },
        ),
        (f"{collection_path}/connectors/{existing.pk}/sync", {}),
        (
            f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=imed",
            {"name": "scraper", "type": "web_scraper", "slots": {"url": "https://x.example"}},
        ),
        (
            f"/v1/connector/create_connector_collection_association/{workspace.slug}",
            {"connector_id": str(loose.pk), "collection_id": str(collection.pk)},
        ),
    ]


def test_the_same_key_and_body_replay_the_first_answer(api, creating_posts):
    for number, (path, body) in enumerate(creating_posts):
        key = f"key-{number}"
        first = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert first.status_code in (201, 202), (path, first.json())
        assert "Idempotent-Replayed" not in first
        counts = (Connector.objects.count(), Sync.objects.count())
        again = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert again.status_code == first.status_code, path
        assert again.json() == first.json(), path
        assert again["Idempotent-Replayed"] == "true"
        assert (Connector.objects.count(), Sync.objects.count()) == counts


def test_the_same_key_with_another_body_is_422(api, creating_posts):
    for number, (path, body) in enumerate(creating_posts):
        key = f"key-{number}"
        assert api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key).status_code < 300
        other = {**body, "name": "something else"}
        response = api.post(path, other, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 422, path
        assert response.json()["code"] == "idempotency_key_reused"


def test_a_key_reused_on_another_path_is_422(api, workspace):
    body = {"name": "x"}
    assert api.post("/v1/spaces", body, format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    space = api.get("/v1/spaces").json()["data"][0]["id"]
    other = api.post(
        f"/v1/spaces/{space}/collections", body, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert other.status_code == 422


def test_a_request_still_in_flight_is_409(api, admin_key):
    from config.api import idempotency

    body = {"name": "Racing"}
    response = api.post("/v1/spaces", body, format="json", HTTP_IDEMPOTENCY_KEY="race")
    record = IdempotencyRecord.objects.get(key="race")
    # The first request has not finished: its record is still in flight.
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status=IdempotencyRecord.Status.IN_FLIGHT, response_status=None, response_body=None
    )
    again = api.post("/v1/spaces", body, format="json", HTTP_IDEMPOTENCY_KEY="race")
    assert again.status_code == 409
    assert again.json()["code"] == "idempotency_key_in_flight"
    assert response.status_code == 201

    # A request that died long ago frees its key.
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - idempotency.ABANDONED_AFTER - timedelta(seconds=1)
    )
    retried = api.post("/v1/spaces", body, format="json", HTTP_IDEMPOTENCY_KEY="race")
    assert retried.status_code == 400  # the space exists now: the request ran again
    assert retried.json()["errors"] == {
        "name": ["A space with this name already exists in this workspace."]
    }


def test_keys_are_scoped_to_the_api_key(api, workspace):
    second = _client(_key(workspace, role=ApiKeyRole.ADMIN, name="second"))
    body = s3_body()
    first = api.post("/connectors/one", body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert first.status_code == 201
    # Another key's "shared" is another key: it runs (and meets the name taken).
    other = second.post("/connectors/one", body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert other.status_code == 400
    assert "Idempotent-Replayed" not in other


def test_only_a_hash_of_the_request_is_stored(api):
    api.post("/connectors/store", s3_body(), format="json", HTTP_IDEMPOTENCY_KEY="k1")
    record = IdempotencyRecord.objects.get(key="k1")
    assert len(record.request_hash) == 64
    stored = json.dumps(
        [record.scope, record.key, record.request_hash, record.response_body, record.status]
    )
    assert SECRET_KEY_VALUE not in stored
    assert record.response_body["storage_config"]["password_read"] == "**********"


def test_errors_are_not_kept_so_the_key_can_be_used_again(api):
    bad = s3_body()
    del bad["storage_config"]["bucket_name"]
    refused = api.post("/connectors/store", bad, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="k2").exists()
    fixed = api.post("/connectors/store", s3_body(), format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert fixed.status_code == 201


def test_after_24_hours_the_key_is_new_again(api):
    body = {"name": "Daily"}
    first = api.post("/v1/spaces", body, format="json", HTTP_IDEMPOTENCY_KEY="day")
    assert first.status_code == 201
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        api.delete(f"/v1/spaces/{first.json()['id']}")
        again = api.post("/v1/spaces", body, format="json", HTTP_IDEMPOTENCY_KEY="day")
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert again.json()["id"] != first.json()["id"]


def test_an_overlong_key_is_400(api):
    response = api.post("/v1/spaces", {"name": "x"}, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
