"""Reads of the webhooks app, always scoped to a workspace."""

from django.db.models import Count, OuterRef, QuerySet, Subquery

from config.errors import NotFound
from tenancy.selectors import as_uuid
from webhooks.models import WebhookDelivery, WebhookSubscription


def webhooks_of(workspace) -> QuerySet[WebhookSubscription]:
    """The workspace's subscriptions, oldest first, each with its delivery count and the status
    of its latest delivery (``last_status``, None before the first)."""
    latest = WebhookDelivery.objects.filter(subscription=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    return (
        WebhookSubscription.objects.filter(workspace=workspace)
        .annotate(
            delivery_count=Count("deliveries"),
            last_status=Subquery(latest.values("status")[:1]),
        )
        .order_by("created_at", "id")
    )


def webhook_in(workspace, webhook_id) -> WebhookSubscription:
    pk = as_uuid(webhook_id)
    found = WebhookSubscription.objects.filter(workspace=workspace, pk=pk).first() if pk else None
    if found is None:
        raise NotFound("Webhook not found.")
    return found


def deliveries_of(subscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription=subscription)
