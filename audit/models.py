from django.db import models


class ActorType(models.TextChoices):
    USER = "user", "User"
    KEY = "key", "API key"
    SYSTEM = "system", "System"


class AuditEntry(models.Model):
    """One change, as its domain event told it: who, what, when, from where; secrets masked.

    The workspace is kept as a plain id so that the trail outlives what it describes (a deleted
    workspace's entries remain for the operators)."""

    at = models.DateTimeField(db_index=True)
    workspace_id = models.UUIDField(null=True, blank=True)
    action = models.CharField(max_length=100, help_text="The event, e.g. connector.created.")
    actor = models.CharField(max_length=200, help_text="user:<username>, key:<prefix> or system.")
    actor_type = models.CharField(max_length=10, choices=ActorType.choices)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100)
    ip = models.GenericIPAddressField(null=True, blank=True, help_text="The client's address.")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["workspace_id", "-at", "-id"]),
            models.Index(fields=["object_type", "object_id"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.object_type}"
