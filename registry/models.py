"""The connector registry's model: versioned connector types, each with the ui_spec JSON Schema
its connectors' config follows."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from registry.schema.secrets import credential_keys


class DefinitionStatus(models.TextChoices):
    DRAFT = "Draft", "Draft"
    IN_VALIDATION = "InValidation", "In validation"
    LIVE = "Live", "Live"
    RETIRED = "Retired", "Retired"


class ConnectorDefinition(models.Model):
    """A versioned connector type of the global registry; ``ui_spec`` describes its config."""

    connector_id = models.CharField(max_length=100)
    version = models.CharField(max_length=50)
    registry_id = models.CharField(max_length=151, unique=True, editable=False)
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=50, default="source")
    category = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    technology = models.CharField(max_length=100, blank=True)
    runtime = models.CharField(max_length=100, blank=True)
    licence = models.CharField(max_length=100, blank=True)
    owner = models.CharField(max_length=200, blank=True)
    icon = models.TextField(blank=True, help_text="Icon URL, or an inline SVG data URL.")
    tenant = models.CharField(max_length=10, default="single")
    implementation = models.CharField(
        max_length=100, help_text="The installed source implementation this type runs on."
    )
    status = models.CharField(
        max_length=20, choices=DefinitionStatus.choices, default=DefinitionStatus.DRAFT
    )
    ui_spec = models.JSONField(default=dict)
    created_by = models.CharField(max_length=200, default="SYSTEM")
    updated_by = models.CharField(max_length=200, default="SYSTEM")
    created_date = models.DateTimeField(default=timezone.now)
    updated_date = models.DateTimeField(default=timezone.now)
    live_date = models.DateTimeField(null=True, blank=True)
    credential_keys = models.JSONField(
        default=list,
        editable=False,
        help_text="The ui_spec's top-level properties marked encrypt (kept with the spec).",
    )

    class Meta:
        ordering = ["connector_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["connector_id", "version"], name="definition_unique"),
            # At most one Live version per type, whatever registers concurrently.
            models.UniqueConstraint(
                fields=["connector_id"],
                condition=Q(status=DefinitionStatus.LIVE),
                name="definition_one_live_version",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DefinitionStatus.values), name="definition_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "category"]),
            models.Index(fields=["connector_id", "status"]),
        ]

    def __str__(self):
        return f"{self.name} {self.version}"

    def save(self, *args, **kwargs):
        self.registry_id = f"{self.connector_id}-{self.version}"
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "ui_spec" in update_fields:
            self.credential_keys = credential_keys(self.ui_spec)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "credential_keys"}
        super().save(*args, **kwargs)
