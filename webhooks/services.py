"""Every write of the webhooks app: subscriptions (create, delete) and delivery bookkeeping."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config import crypto
from config.actors import actor_label
from config.errors import InvalidInput, validated
from config.events import emit
from registry.sources.egress import EgressRefused, check_url
from tenancy.models import Workspace
from webhooks import signing
from webhooks.models import DeliveryStatus, EventType, WebhookDelivery, WebhookSubscription

MAX_SUBSCRIPTIONS_PER_WORKSPACE = 50
RESPONSE_BODY_CHARS = 2000


def _checked_url(url) -> str:
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput({"url": ["Give the URL that receives the events."]})
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        raise InvalidInput({"url": ["The URL is not valid."]}) from None
    if parts.username or parts.password:
        raise InvalidInput({"url": ["Put no credentials in the URL; requests are signed."]})
    try:
        check_url(url)
    except EgressRefused as error:
        raise InvalidInput({"url": [error.message]}) from None
    return url


def _checked_events(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise InvalidInput({"events": [f"Choose one or more of: {', '.join(EventType.values)}."]})
    unknown = [str(e) for e in events if e not in EventType.values]
    if unknown:
        raise InvalidInput(
            {"events": [f"Unknown event type(s); choose from: {', '.join(EventType.values)}."]}
        )
    return sorted(set(events))


def shown_url(url: str) -> str:
    """The URL without its query (which may carry a token of the receiver)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


@transaction.atomic
def webhook_create(
    *, actor, workspace: Workspace, url: str, events, description: str = ""
) -> tuple[WebhookSubscription, str]:
    """A new subscription and its signing secret, which is shown once."""
    url = _checked_url(url)
    events = _checked_events(events)
    if (
        WebhookSubscription.objects.select_for_update().filter(workspace=workspace).count()
        >= MAX_SUBSCRIPTIONS_PER_WORKSPACE
    ):
        raise InvalidInput(
            {"url": [f"A workspace has at most {MAX_SUBSCRIPTIONS_PER_WORKSPACE} webhooks."]}
        )
    secret = signing.new_secret()
    subscription = WebhookSubscription(
        workspace=workspace,
        url=url,
        events=events,
        description=description or "",
        secret_token=crypto.encrypt_json({"secret": secret}),
        secret_hint=secret[: len(signing.SECRET_PREFIX) + 4],
        created_by=actor_label(actor),
    )
    validated(subscription)
    subscription.save(force_insert=True)
    emit(
        "webhook.created",
        actor=actor,
        obj=subscription,
        workspace_id=workspace.pk,
        url=shown_url(url),
        events=events,
    )
    return subscription, secret


@transaction.atomic
def webhook_delete(*, actor, subscription: WebhookSubscription) -> None:
    emit(
        "webhook.deleted",
        actor=actor,
        obj=subscription,
        workspace_id=subscription.workspace_id,
        url=shown_url(subscription.url),
    )
    subscription.delete()


def signing_secret(subscription: WebhookSubscription) -> str:
    return crypto.decrypt_json(subscription.secret_token)["secret"]


def deliveries_create(*, workspace_id, event_type: str, payload: dict) -> list[WebhookDelivery]:
    """One pending delivery per subscription of the workspace that wants this event type; each
    is sent by a task once this commits."""
    from webhooks.tasks import deliver_webhook

    subscriptions = WebhookSubscription.objects.filter(workspace_id=workspace_id)
    deliveries = [
        WebhookDelivery(subscription=subscription, event_type=event_type, payload=payload)
        for subscription in subscriptions
        if event_type in subscription.events
    ]
    if not deliveries:
        return []
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(deliveries)
        for delivery in deliveries:
            delivery_id = str(delivery.pk)
            transaction.on_commit(lambda d=delivery_id: deliver_webhook.delay(d))
    return deliveries


def backoff(attempts: int) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones (doubling)."""
    return settings.CONNECTOR_HUB_WEBHOOK_RETRY_BACKOFF * 2 ** max(0, attempts - 1)


@transaction.atomic
def delivery_record_attempt(
    *,
    delivery: WebhookDelivery,
    response_status: int | None,
    response_body: str = "",
    error: str = "",
    retryable: bool = True,
) -> float | None:
    """Record one attempt; returns the seconds to wait before the next one, or None when the
    delivery is finished (delivered, refused for good, or out of attempts)."""
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = response_status
    delivery.response_body = (response_body or "")[:RESPONSE_BODY_CHARS]
    delivery.error = error[:1000]
    wait = None
    if response_status is not None and 200 <= response_status < 300 and not error:
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif retryable and delivery.attempts < settings.CONNECTOR_HUB_WEBHOOK_MAX_ATTEMPTS:
        wait = backoff(delivery.attempts)
        delivery.status = DeliveryStatus.RETRYING
        delivery.next_attempt_at = now + timedelta(seconds=wait)
    else:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    delivery.save()
    return wait


def signing_secrets_rotate(*, batch_size: int = 500) -> int:
    """Re-encrypt every subscription's signing secret with the newest key."""
    return crypto.rotate_column(
        WebhookSubscription.objects.all(), "secret_token", batch_size=batch_size
    )
