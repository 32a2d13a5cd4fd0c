"""Webhook pages: owners subscribe a URL to events (the signing secret is shown in that answer
only), list and delete webhooks, and read each one's deliveries with the receivers' answers;
nobody else reaches them, and refused or invalid posts change nothing."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from webhooks import services
from webhooks.models import WebhookDelivery, WebhookSubscription

pytestmark = pytest.mark.database

RECEIVER = "http://127.0.0.1:9/connector-hub?token=Receiver-Token-Zq9x"


def list_url(workspace):
    return reverse("webhooks:list", args=[workspace.slug])


def detail_url(webhook, **query):
    url = reverse("webhooks:detail", args=[webhook.workspace.slug, webhook.pk])
    return url + ("?" + urlencode(query) if query else "")


def delete_url(webhook):
    return reverse("webhooks:delete", args=[webhook.workspace.slug, webhook.pk])


def subscribe(owner, workspace, url="http://127.0.0.1:9/in", events=("sync.failed",)):
    webhook, _ = services.webhook_create(
        actor=owner, workspace=workspace, url=url, events=list(events)
    )
    return webhook


def test_a_new_webhook_shows_its_secret_once(login, owner, workspace):
    client = login(owner)
    response = client.post(
        list_url(workspace),
        {"url": RECEIVER, "events": ["sync.failed", "sync.succeeded"], "description": "Pager"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    webhook = WebhookSubscription.objects.get(workspace=workspace)
    assert webhook.url == RECEIVER
    assert webhook.events == ["sync.failed", "sync.succeeded"]
    assert webhook.created_by == "user:owner"
    secret = services.signing_secret(webhook)
    html = response.content.decode()
    assert secret in html and 'id="new-webhook-secret"' in html

    listing = client.get(list_url(workspace))
    html = listing.content.decode()
    assert secret not in html
    assert f"{webhook.secret_hint}…" in html
    assert "http://127.0.0.1:9/connector-hub?…" in html
    assert "Receiver-Token-Zq9x" not in html  # the query may hold the receiver's token
    assert "Pager" in html and "sync.succeeded" in html
    assert secret not in client.get(detail_url(webhook)).content.decode()


def test_invalid_webhooks_are_refused_next_to_their_fields(login, owner, workspace, settings):
    client = login(owner)
    settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = False
    private = client.post(
        list_url(workspace), {"url": "http://127.0.0.1:8080/hook", "events": ["sync.failed"]}
    )
    assert private.status_code == 400
    assert 'id="id_url_error"' in private.content.decode()
    no_events = client.post(list_url(workspace), {"url": "http://127.0.0.1:9/in"})
    assert no_events.status_code == 400
    assert no_events.context["form"].errors["events"]
    not_a_url = client.post(list_url(workspace), {"url": "not a url", "events": ["sync.failed"]})
    assert not_a_url.status_code == 400
    unknown = client.post(
        list_url(workspace), {"url": "http://127.0.0.1:9/in", "events": ["everything"]}
    )
    assert unknown.status_code == 400
    for response in (private, no_events, not_a_url, unknown):
        assert "There is a problem" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_deliveries_show_the_receivers_answers_newest_first_and_page(login, owner, workspace):
    webhook = subscribe(owner, workspace)
    for index in range(30):
        [delivery] = services.deliveries_create(
            workspace_id=workspace.pk,
            event_type="sync.failed",
            payload={"id": f"event-{index}", "type": "sync.failed", "data": {}},
        )
        if index == 29:
            services.delivery_record_attempt(
                delivery=delivery,
                response_status=503,
                response_body="Receiver says: <b>come back later</b>",
                error="The receiver answered HTTP 503.",
            )
    client = login(owner)
    first = client.get(detail_url(webhook))
    assert first.status_code == 200
    html = first.content.decode()
    assert "HTTP 503" in html and "The receiver answered HTTP 503." in html
    assert "Receiver says: &lt;b&gt;come back later&lt;/b&gt;" in html  # escaped, never markup
    assert "event-29" in html
    shown = first.context["deliveries"]
    assert len(shown) == 25 and shown[0].payload["id"] == "event-29"
    assert shown[0].status == "retrying" and shown[1].status == "pending"
    older = client.get(detail_url(webhook, before=first.context["pager"]["older"]))
    assert [d.payload["id"] for d in older.context["deliveries"]] == [
        f"event-{index}" for index in reversed(range(5))
    ]
    assert older.context["pager"]["older"] is None
    listing = client.get(list_url(workspace)).content.decode()
    assert ">30</a>" in listing and "last retrying" in listing


def test_deleting_a_webhook_asks_first_then_removes_it_and_its_deliveries(login, owner, workspace):
    webhook = subscribe(owner, workspace)
    services.deliveries_create(
        workspace_id=workspace.pk, event_type="sync.failed", payload={"type": "sync.failed"}
    )
    client = login(owner)
    confirm = client.get(delete_url(webhook))
    assert confirm.status_code == 200
    assert "1 delivery" in confirm.content.decode()
    assert WebhookSubscription.objects.filter(pk=webhook.pk).exists()
    response = client.post(delete_url(webhook))
    assert response.status_code == 302
    assert response["Location"] == list_url(workspace)
    assert not WebhookSubscription.objects.filter(pk=webhook.pk).exists()
    assert not WebhookDelivery.objects.exists()


def test_another_workspace_webhook_does_not_exist_here(
    login, owner, workspace, other_workspace, make_user
):
    theirs_owner = other_workspace.memberships.get().user
    theirs = subscribe(theirs_owner, other_workspace, url="http://127.0.0.1:9/theirs")
    client = login(owner)
    slug = workspace.slug
    for url in (
        reverse("webhooks:detail", args=[slug, theirs.pk]),
        reverse("webhooks:delete", args=[slug, theirs.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert WebhookSubscription.objects.filter(pk=theirs.pk).exists()
    assert theirs.url not in client.get(list_url(workspace)).content.decode()


def test_only_owners_reach_the_webhook_pages(login, owner, workspace, editor, viewer, outsider):
    webhook = subscribe(owner, workspace)
    posts = [
        (list_url(workspace), {"url": "http://127.0.0.1:9/x", "events": ["sync.failed"]}),
        (delete_url(webhook), {}),
    ]
    for user, status in ((editor, 403), (viewer, 403), (outsider, 404)):
        client = login(user)
        for url in (list_url(workspace), detail_url(webhook), delete_url(webhook)):
            response = client.get(url)
            assert response.status_code == status, (user, url)
            assert "127.0.0.1:9" not in response.content.decode()
        for url, data in posts:
            assert client.post(url, data).status_code == status, (user, url)
    assert list(WebhookSubscription.objects.all()) == [webhook]


def test_webhooks_are_in_the_owners_navigation_only(login, owner, editor, workspace):
    dashboard = reverse("syncs:dashboard", args=[workspace.slug])
    assert list_url(workspace) in login(owner).get(dashboard).content.decode()
    assert list_url(workspace) not in login(editor).get(dashboard).content.decode()
