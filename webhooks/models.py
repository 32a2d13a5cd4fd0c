import uuid

from django.db import models

from tenancy.models import Workspace


class EventType(models.TextChoices):
    SYNC_STARTED = "sync.started", "Sync started"
    SYNC_SUCCEEDED = "sync.succeeded", "Sync succeeded"
    SYNC_FAILED = "sync.failed", "Sync failed"
    SYNC_CANCELLED = "sync.cancelled", "Sync cancelled"
    CONNECTOR_STATE_CHANGED = "connector.state_changed", "Connector state changed"
    DOCUMENTS_CHANGED = "documents.changed", "Documents changed"


class WebhookSubscription(models.Model):
    """A URL of a workspace that receives signed JSON events. The signing secret is stored
    encrypted (it must be read to sign) and shown once, when the subscription is made."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list, help_text="Event types sent to this URL.")
    description = models.CharField(max_length=200, blank=True)
    secret_token = models.TextField(help_text="Fernet token of the signing secret.")
    secret_hint = models.CharField(max_length=12, help_text="The secret's first characters.")
    created_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["workspace", "created_at", "id"])]

    def __str__(self):
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Retrying"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one subscription, with the last answer received."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=50, choices=EventType.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, help_text="The start of the last answer.")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["subscription", "-created_at", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="webhook_delivery_status_valid",
            )
        ]

    def __str__(self):
        return f"{self.event_type} to {self.subscription_id} ({self.status})"
