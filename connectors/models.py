import uuid
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone

from connectors.lifecycle import State
from registry.models import ConnectorDefinition
from tenancy.models import Collection, Workspace


class ScheduleType(models.TextChoices):
    NONE = "none", "No schedule"
    IMMEDIATE = "imed", "When associated, then on demand"
    ONCE = "once", "Once, when started"
    CRON = "cron", "Cron expression"
    WHEN = "when", "Once, at a date"


class VisibleConnectorManager(models.Manager):
    """Deleted connectors disappear at once, before their documents are purged."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class Connector(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="connectors")
    definition = models.ForeignKey(
        ConnectorDefinition, on_delete=models.PROTECT, related_name="connectors"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    config = models.JSONField(default=dict, blank=True, help_text="Non-secret values only.")
    masked_config = models.TextField(
        blank=True,
        editable=False,
        help_text="The whole config as JSON with every secret masked, as every reader sees it; "
        "written with the config and the credential.",
    )
    collections = models.ManyToManyField(
        Collection, through="ConnectorCollection", related_name="connectors", blank=True
    )

    state = models.CharField(max_length=10, choices=State.choices, default=State.STARTING)
    state_reason = models.TextField(blank=True)
    state_changed_at = models.DateTimeField(default=timezone.now)
    check_token = models.UUIDField(null=True, blank=True, editable=False)

    schedule_type = models.CharField(
        max_length=10, choices=ScheduleType.choices, default=ScheduleType.NONE
    )
    schedule_cron = models.CharField(max_length=120, blank=True)
    schedule_timezone = models.CharField(max_length=64, default="UTC")
    schedule_at = models.DateTimeField(null=True, blank=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="connector",
    )
    last_skipped_tick_at = models.DateTimeField(null=True, blank=True)

    # Where the source stands: the reader's cursor and the current full pass, saved with each
    # batch so that any new sync resumes exactly where the last one stopped.
    cursor = models.JSONField(null=True, blank=True, editable=False)

    created_by = models.CharField(max_length=200, blank=True)
    updated_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = VisibleConnectorManager()
    all_objects = models.Manager()  # noqa: DJ012 (a manager: ruff takes it for a field)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name"],
                condition=Q(deleted_at__isnull=True),
                name="connector_name_unique_in_workspace",
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="connector_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(schedule_type__in=ScheduleType.values),
                name="connector_schedule_type_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "state"]),
            models.Index(fields=["workspace", "created_at", "id"]),
        ]

    def __str__(self):
        return self.name

    @property
    def type(self) -> str:
        return self.definition.connector_id


class Credential(models.Model):
    """The encrypted secret part of one connector's config. Never serialised in clear."""

    connector = models.OneToOneField(Connector, on_delete=models.CASCADE, related_name="credential")
    token = models.TextField(help_text="Fernet token of the secret values (JSON).")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Credential of {self.connector_id}"

    def __repr__(self):
        return f"<Credential connector={self.connector_id}>"


class ConnectorCollection(models.Model):
    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="associations")
    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="associations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connector", "collection"], name="association_unique"),
        ]
        indexes = [models.Index(fields=["collection", "created_at", "id"])]

    def __str__(self):
        return f"{self.connector_id} in {self.collection_id}"


class IdempotencyRecord(models.Model):
    """One Idempotency-Key seen on a creating POST, scoped to the key or user that sent it; kept
    for ``LIFETIME``, then removed by retention."""

    LIFETIME = timedelta(hours=24)

    class Status(models.TextChoices):
        IN_FLIGHT = "in_flight", "In flight"
        DONE = "done", "Done"

    scope = models.CharField(max_length=200)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.IN_FLIGHT)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_key"),
        ]

    def __str__(self):
        return f"{self.scope} {self.key}"
