"""Through a real worker: a connector's state changes and its sync's start and success reach a
subscribed receiver as signed JSON events with ids; a receiver failing at first gets the same
delivery again, with back-off, until it answers 2xx."""

import json

import pytest

from connectors import services
from connectors.tasks import check_connector
from syncs import services as sync_services
from syncs.models import SyncTrigger
from tests.servers.celery_worker import wait_until
from tests.servers.receiver import webhook_receiver
from webhooks import signing
from webhooks.models import DeliveryStatus, WebhookDelivery
from webhooks.services import webhook_create

pytestmark = [pytest.mark.worker, pytest.mark.database]


def test_events_reach_the_receiver_signed_and_retried(celery_processes, catalog, owner, workspace):
    celery_processes.worker(env={"CONNECTOR_HUB_WEBHOOK_RETRY_BACKOFF": "0.2"})
    with webhook_receiver(500, 503, 200) as receiver:
        _, secret = webhook_create(
            actor=owner,
            workspace=workspace,
            url=receiver.url,
            events=["connector.state_changed", "sync.started", "sync.succeeded"],
        )
        connector = services.connector_create(
            actor=owner,
            workspace=workspace,
            definition=catalog["sample-data"],
            name="sample",
            config={"document_count": 5},
        )
        check_connector(str(connector.pk), str(connector.check_token))  # starting -> running
        sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)

        def delivered():
            statuses = list(WebhookDelivery.objects.values_list("event_type", "status"))
            return len(statuses) == 3 and all(s == DeliveryStatus.SUCCEEDED for _, s in statuses)

        wait_until(delivered, timeout=120, message=celery_processes.logs)

    events = {}
    for request in receiver.requests:
        assert signing.verify(secret, request.headers[signing.SIGNATURE_HEADER], request.body)
        body = json.loads(request.body)
        assert body["type"] == request.headers[signing.EVENT_HEADER]
        assert body["workspace_id"] == str(workspace.pk)
        events.setdefault(body["type"], []).append(body)
    assert set(events) == {"connector.state_changed", "sync.started", "sync.succeeded"}
    state = events["connector.state_changed"][-1]["data"]
    assert (state["connector_id"], state["previous_state"], state["state"]) == (
        str(connector.pk),
        "starting",
        "running",
    )
    succeeded = events["sync.succeeded"][-1]["data"]
    assert succeeded["connector_id"] == str(connector.pk)
    assert succeeded["status"] == "succeeded" and succeeded["documents"]["created"] == 5
    # The receiver answered 500, then 503, then 200 to everything: three deliveries, the failed
    # ones sent again (same delivery id, same event id) until they got their 200.
    assert len(receiver.requests) == 5
    rows = list(WebhookDelivery.objects.all())
    assert sum(row.attempts for row in rows) == 5
    assert {row.response_status for row in rows} == {200}
    for row in rows:
        sent = [r for r in receiver.requests if r.headers[signing.DELIVERY_HEADER] == str(row.pk)]
        assert len(sent) == row.attempts
        assert len({json.loads(r.body)["id"] for r in sent}) == 1
