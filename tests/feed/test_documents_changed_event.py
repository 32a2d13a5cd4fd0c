"""``documents.changed``: one webhook event per committed write group that changed a collection's feed
(and per association, dissociation or deletion of a connector), with the collections' ids and
counts and never the documents; the audit trail does not record these notices."""

import pytest

from audit.models import AuditEntry
from connectors import services
from tenancy import services as tenancy_services
from webhooks import tasks as webhook_tasks
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_create

pytestmark = [pytest.mark.database, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def subscribed(owner, workspace, monkeypatch):
    monkeypatch.setattr(webhook_tasks.deliver_webhook, "delay", lambda *args: None)
    webhook_create(
        actor=owner,
        workspace=workspace,
        url="http://127.0.0.1:9/hook",
        events=["documents.changed"],
    )

    def payloads() -> list[dict]:
        rows = WebhookDelivery.objects.order_by("created_at", "id").values_list(
            "payload", flat=True
        )
        return [payload["data"] for payload in rows]

    return payloads


def test_one_event_per_committed_write_group_with_ids_and_counts(
    subscribed, make_sample_connector, sync_to_end, collection, space, owner, settings
):
    settings.CONNECTOR_HUB_SYNC_COMMIT_ROWS = 100
    other = tenancy_services.collection_create(actor=owner, space=space, name="Other")
    connector = make_sample_connector(
        document_count=250, document_size=50, operations_config={"batch_size": 100}
    )
    services.connector_associate(actor=owner, connector=connector, collection=collection)
    services.connector_associate(actor=owner, connector=connector, collection=other)
    sync = sync_to_end(connector)

    both = sorted([str(collection.pk), str(other.pk)])
    batches = [p for p in subscribed() if p["reason"] == "sync"]
    assert [(p["upserts"], p["deletes"]) for p in batches] == [(100, 0), (100, 0), (50, 0)]
    for payload in batches:
        assert payload["collection_ids"] == both
        assert payload["connector_id"] == str(connector.pk)
        assert payload["sync_id"] == str(sync.pk)
        assert set(payload) == {
            "collection_ids",
            "connector_id",
            "sync_id",
            "upserts",
            "deletes",
            "reason",
        }

    before = WebhookDelivery.objects.count()
    sync_to_end(connector)  # nothing changed at the source: nothing to announce
    assert WebhookDelivery.objects.count() == before

    services.connector_dissociate(actor=owner, connector=connector, collection=other)
    last = subscribed()[-1]
    assert (last["reason"], last["collection_ids"], last["deletes"]) == (
        "connector_dissociated",
        [str(other.pk)],
        250,
    )
    assert not AuditEntry.objects.filter(action="documents.changed").exists()
    assert AuditEntry.objects.filter(action="connector.dissociated").exists()


def test_a_connector_in_no_collection_announces_nothing(
    subscribed, make_sample_connector, sync_to_end
):
    sync_to_end(make_sample_connector(document_count=10))
    assert subscribed() == []
