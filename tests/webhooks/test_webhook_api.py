"""Webhook subscriptions through the API: the signing secret in the create answer only, masked
after; owners and admin keys only; deliveries listed with the receivers' answers."""

import pytest
from django.test import Client

from tenancy import services
from tenancy.models import ApiKeyRole
from tests.leaks import Secrets
from webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.database


@pytest.fixture
def api(workspace, owner):
    _, key = services.api_key_create(actor=owner, workspace=workspace, name="k")
    return Client(HTTP_X_API_KEY=key)


def create(api, **body):
    body = {"url": "http://127.0.0.1:9/hook?token=receiver-own", "events": ["sync.failed"], **body}
    return api.post("/v1/webhooks", body, content_type="application/json")


@pytest.mark.django_db(transaction=True)
def test_the_secret_is_shown_once_then_masked_and_stored_encrypted(api):
    created = create(api, description="ops", events=["sync.failed", "connector.state_changed"])
    assert created.status_code == 201, created.content
    body = created.json()
    secret = body["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert body["events"] == ["connector.state_changed", "sync.failed"]
    shown = api.get(f"/v1/webhooks/{body['id']}").json()
    assert shown["secret"].endswith("**********") and secret not in str(shown)
    assert [w["id"] for w in api.get("/v1/webhooks").json()["data"]] == [body["id"]]
    Secrets(secret).assert_not_in_response(api.get("/v1/webhooks"))
    Secrets(secret).assert_not_in_database()
    deleted = api.delete(f"/v1/webhooks/{body['id']}")
    assert deleted.status_code == 204
    assert api.get(f"/v1/webhooks/{body['id']}").status_code == 404
    assert not WebhookSubscription.objects.exists()


def test_bad_subscriptions_are_400_naming_the_field(api):
    cases = [
        ({"events": []}, "events"),
        ({"events": ["sync.exploded"]}, "events.0"),
        ({"url": ""}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"url": "http://no-such-host.invalid/hook"}, "url"),
        ({"secret": "mine"}, "secret"),
    ]
    for body, field in cases:
        response = create(api, **body)
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["errors"], (body, response.json())
    assert not WebhookSubscription.objects.exists()


def test_only_owners_and_admin_keys_manage_webhooks(api, workspace, owner, editor):
    made = create(api).json()
    _, viewer_key = services.api_key_create(
        actor=owner, workspace=workspace, name="v", role=ApiKeyRole.VIEWER
    )
    viewer = Client(HTTP_X_API_KEY=viewer_key)
    for method, path in [
        ("get", "/v1/webhooks"),
        ("get", f"/v1/webhooks/{made['id']}"),
        ("get", f"/v1/webhooks/{made['id']}/deliveries"),
        ("delete", f"/v1/webhooks/{made['id']}"),
    ]:
        assert getattr(viewer, method)(path).status_code == 403, (method, path)
    session = Client()
    session.force_login(editor)
    assert session.get("/v1/webhooks").status_code == 403
    session.force_login(owner)
    assert session.get("/v1/webhooks").status_code == 200


def test_deliveries_are_listed_newest_first_with_the_answers(api):
    made = create(api).json()
    subscription = WebhookSubscription.objects.get(pk=made["id"])
    for number in range(3):
        WebhookDelivery.objects.create(
            subscription=subscription,
            event_type="sync.failed",
            payload={"id": str(number)},
            status=DeliveryStatus.FAILED,
            attempts=6,
            response_status=500,
            response_body=f"answer {number}",
            error="The receiver answered HTTP 500.",
        )
    page = api.get(f"/v1/webhooks/{made['id']}/deliveries?limit=2").json()
    assert [d["payload"]["id"] for d in page["data"]] == ["2", "1"]
    assert page["data"][0]["response_status"] == 500 and page["data"][0]["attempts"] == 6
    rest = api.get(f"/v1/webhooks/{made['id']}/deliveries?limit=2&cursor={page['next_cursor']}")
    assert [d["payload"]["id"] for d in rest.json()["data"]] == ["0"]
