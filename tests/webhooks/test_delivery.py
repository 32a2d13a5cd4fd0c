"""Sending deliveries: signed JSON with ids, the answer recorded, retried with doubling back-off,
given up after the configured attempts; redirects are not followed and private addresses are
refused after DNS resolution (a URL is checked again at every attempt)."""

import json

import pytest

from tenancy import services
from tests.servers.receiver import webhook_receiver
from webhooks import delivery, signing
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.services import backoff, deliveries_create, webhook_create

pytestmark = pytest.mark.database


def subscribe(owner, workspace, url, events=("connector.state_changed",)):
    return webhook_create(actor=owner, workspace=workspace, url=url, events=list(events))


def one_delivery(subscription, workspace) -> WebhookDelivery:
    (made,) = deliveries_create(
        workspace_id=workspace.pk,
        event_type="connector.state_changed",
        payload={"id": "evt-1", "type": "connector.state_changed", "data": {"connector_id": "c"}},
    )
    return made


def test_a_delivery_is_signed_and_its_answer_recorded(owner, workspace):
    with webhook_receiver(202) as receiver:
        subscription, secret = subscribe(owner, workspace, receiver.url)
        sent = one_delivery(subscription, workspace)
        assert delivery.attempt(sent.pk) is None
    (request,) = receiver.requests
    assert request.headers[signing.EVENT_HEADER] == "connector.state_changed"
    assert request.headers[signing.DELIVERY_HEADER] == str(sent.pk)
    assert request.headers["Content-Type"] == "application/json"
    assert signing.verify(secret, request.headers[signing.SIGNATURE_HEADER], request.body)
    assert json.loads(request.body)["id"] == "evt-1"
    sent.refresh_from_db()
    assert (sent.status, sent.attempts, sent.response_status) == (DeliveryStatus.SUCCEEDED, 1, 202)
    assert sent.response_body == "answer 202 to /hooks/connector-hub"


def test_failures_are_retried_with_doubling_back_off_then_given_up(owner, workspace, settings):
    settings.CONNECTOR_HUB_WEBHOOK_MAX_ATTEMPTS = 3
    settings.CONNECTOR_HUB_WEBHOOK_RETRY_BACKOFF = 10
    with webhook_receiver(500) as receiver:
        subscription, _ = subscribe(owner, workspace, receiver.url)
        sent = one_delivery(subscription, workspace)
        waits = [delivery.attempt(sent.pk) for _ in range(4)]
    assert waits == [10, 20, None, None]  # the fourth call finds it finished and sends nothing
    assert len(receiver.requests) == 3
    sent.refresh_from_db()
    assert (sent.status, sent.attempts, sent.response_status) == (DeliveryStatus.FAILED, 3, 500)
    assert sent.error == "The receiver answered HTTP 500."
    assert [backoff(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]


def test_a_redirect_is_not_followed(owner, workspace):
    with webhook_receiver(302, location="http://169.254.169.254/latest/meta-data/") as receiver:
        subscription, _ = subscribe(owner, workspace, receiver.url)
        sent = one_delivery(subscription, workspace)
        assert delivery.attempt(sent.pk) is not None  # retried later, as any non-2xx
    assert len(receiver.requests) == 1
    sent.refresh_from_db()
    assert sent.response_status == 302 and sent.status == DeliveryStatus.RETRYING


def test_a_url_that_now_resolves_to_a_private_address_is_refused_for_good(
    owner, workspace, settings
):
    with webhook_receiver(200) as receiver:
        subscription, _ = subscribe(owner, workspace, receiver.url)
        settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = False  # as after a DNS change
        sent = one_delivery(subscription, workspace)
        assert delivery.attempt(sent.pk) is None
    assert receiver.requests == []
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.FAILED and sent.attempts == 1
    assert "private, local or reserved network" in sent.error


def test_a_receiver_that_does_not_answer_is_a_timeout(owner, workspace, settings):
    import socket

    settings.CONNECTOR_HUB_WEBHOOK_TIMEOUT = 0.5
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection, never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/hook"
        subscription, _ = subscribe(owner, workspace, url)
        sent = one_delivery(subscription, workspace)
        assert delivery.attempt(sent.pk) is not None
    finally:
        listener.close()
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.RETRYING
    assert sent.error == "The receiver did not answer within 0.5 seconds."


def test_only_subscribed_event_types_of_the_workspace_get_deliveries(
    owner, workspace, other_workspace
):
    subscribe(owner, workspace, "http://127.0.0.1:9/a", events=["sync.failed"])
    stranger = other_workspace.memberships.get().user
    subscribe(stranger, other_workspace, "http://127.0.0.1:9/b", events=["sync.failed"])
    assert deliveries_create(workspace_id=workspace.pk, event_type="sync.started", payload={}) == []
    made = deliveries_create(workspace_id=workspace.pk, event_type="sync.failed", payload={})
    assert [d.subscription.url for d in made] == ["http://127.0.0.1:9/a"]
    services.workspace_update(actor=owner, workspace=workspace, name="x")  # not a webhook event
