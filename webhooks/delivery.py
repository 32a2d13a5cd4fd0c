"""Sending one delivery: a signed POST through the egress guard (a webhook URL is chosen by a
user and treated as hostile: private, loopback and metadata addresses are refused after DNS
resolution, redirects are not followed), the answer's status and first bytes recorded."""

import json

import httpx
from django.conf import settings

from registry.sources.egress import EgressRefused, http_client
from webhooks import services, signing
from webhooks.models import DeliveryStatus, WebhookDelivery

USER_AGENT = "ConnectorHub-Webhooks/1.0"
READ_LIMIT = 8192


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def _read_start(response: httpx.Response) -> str:
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= READ_LIMIT:
            break
    return data[:READ_LIMIT].decode("utf-8", errors="replace")


def attempt(delivery_id) -> float | None:
    """Send the delivery once; the seconds to wait before retrying, or None when done."""
    delivery = (
        WebhookDelivery.objects.select_related("subscription")
        .filter(pk=delivery_id, status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
        .first()
    )
    if delivery is None:
        return None
    subscription = delivery.subscription
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        signing.EVENT_HEADER: delivery.event_type,
        signing.DELIVERY_HEADER: str(delivery.pk),
        signing.SIGNATURE_HEADER: signing.signature_header(
            services.signing_secret(subscription), body
        ),
    }
    status, text, error, retryable = None, "", "", True
    try:
        timeout = settings.CONNECTOR_HUB_WEBHOOK_TIMEOUT
        with (
            http_client(timeout=httpx.Timeout(timeout), follow_redirects=False) as client,
            client.stream("POST", subscription.url, content=body, headers=headers) as response,
        ):
            status, text = response.status_code, _read_start(response)
        if not 200 <= status < 300:
            error = f"The receiver answered HTTP {status}."
    except EgressRefused as refused:
        error, retryable = refused.message, False
    except httpx.TimeoutException:
        error = f"The receiver did not answer within {settings.CONNECTOR_HUB_WEBHOOK_TIMEOUT:g} seconds."
    except httpx.HTTPError as failure:
        error = f"The receiver could not be reached ({type(failure).__name__})."
    return services.delivery_record_attempt(
        delivery=delivery,
        response_status=status,
        response_body=text,
        error=error,
        retryable=retryable,
    )
