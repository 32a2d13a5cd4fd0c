"""Connector definitions, which the connectors app created, become this app's: state only, the
table keeps its name until ``0002``."""

import django.utils.timezone
from django.db import migrations, models

MODELS = ["connectordefinition"]


def _relabel(apps, schema_editor, source: str, target: str) -> None:
    """The model's content type follows it, so the permissions granted on definitions and the
    admin's history of them stay theirs."""
    content_type = apps.get_model("contenttypes", "ContentType")
    rows = content_type.objects.using(schema_editor.connection.alias)
    taken = rows.filter(app_label=target, model__in=MODELS).values_list("model", flat=True)
    rows.filter(app_label=source, model__in=MODELS).exclude(model__in=list(taken)).update(
        app_label=target
    )


def move_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "connectors", "registry")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, schema_editor, "registry", "connectors")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("connectors", "0005_tenancy_models_move_out"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # The connectors app created this table (``connectors.0001``); this app adopts it.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ConnectorDefinition",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("connector_id", models.CharField(max_length=100)),
                        ("version", models.CharField(max_length=50)),
                        ("registry_id", models.CharField(editable=False, max_length=151, unique=True)),
                        ("name", models.CharField(max_length=200)),
                        ("type", models.CharField(default="source", max_length=50)),
                        ("category", models.CharField(blank=True, max_length=100)),
                        ("description", models.TextField(blank=True)),
                        ("technology", models.CharField(blank=True, max_length=100)),
                        ("runtime", models.CharField(blank=True, max_length=100)),
                        ("licence", models.CharField(blank=True, max_length=100)),
                        ("owner", models.CharField(blank=True, max_length=200)),
                        ("icon", models.TextField(blank=True, help_text="Icon URL, or an inline SVG data URL.")),
                        ("tenant", models.CharField(default="single", max_length=10)),
                        ("implementation", models.CharField(help_text="The installed source implementation this type runs on.", max_length=100)),
                        ("status", models.CharField(choices=[("Draft", "Draft"), ("InValidation", "In validation"), ("Live", "Live"), ("Retired", "Retired")], default="Draft", max_length=20)),
                        ("ui_spec", models.JSONField(default=dict)),
                        ("created_by", models.CharField(default="SYSTEM", max_length=200)),
                        ("updated_by", models.CharField(default="SYSTEM", max_length=200)),
                        ("created_date", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_date", models.DateTimeField(default=django.utils.timezone.now)),
                        ("live_date", models.DateTimeField(blank=True, null=True)),
                        ("credential_keys", models.JSONField(default=list, editable=False, help_text="The ui_spec's top-level properties marked encrypt (kept with the spec).")),
                    ],
                    options={
                        "db_table": "connectors_connectordefinition",
                        "ordering": ["connector_id", "version"],
                        "indexes": [
                            models.Index(fields=["status", "category"], name="connectors__status_722e8c_idx"),
                            models.Index(fields=["connector_id", "status"], name="connectors__connect_d9ca6c_idx"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(fields=("connector_id", "version"), name="definition_unique"),
                            models.UniqueConstraint(condition=models.Q(("status", "Live")), fields=("connector_id",), name="definition_one_live_version"),
                            models.CheckConstraint(condition=models.Q(("status__in", ["Draft", "InValidation", "Live", "Retired"])), name="definition_status_valid"),
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
