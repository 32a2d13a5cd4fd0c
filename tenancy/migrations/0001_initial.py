"""Workspaces, their members and API keys, spaces and collections, which the connectors app
created, become this app's: state only, the tables keep their names until ``0002``."""

import django.core.validators
import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


MODELS = ["workspace", "membership", "space", "collection", "apikey"]


def _relabel(apps, schema_editor, source: str, target: str) -> None:
    """The models' content types follow them, so the permissions granted on them and the admin's
    history of their rows stay theirs."""
    content_type = apps.get_model("contenttypes", "ContentType")
    rows = content_type.objects.using(schema_editor.connection.alias)
    taken = rows.filter(app_label=target, model__in=MODELS).values_list("model", flat=True)
    rows.filter(app_label=source, model__in=MODELS).exclude(model__in=list(taken)).update(
        app_label=target
    )


def move_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "connectors", "tenancy")


def move_content_types_back(apps, schema_editor):
    _relabel(apps, schema_editor, "tenancy", "connectors")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('connectors', '0004_stored_masked_views'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The connectors app created these tables (``connectors.0001``); this app adopts them.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Workspace',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('name', models.CharField(max_length=200)),
                        ('slug', models.CharField(max_length=63, unique=True, validators=[django.core.validators.RegexValidator('^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$', 'Use 1-63 lower-case letters, digits and dashes, starting and ending with a letter or digit.')])),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                    ],
                    options={
                        'db_table': 'connectors_workspace',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Space',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('name', models.CharField(max_length=200)),
                        ('description', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='spaces', to='tenancy.workspace')),
                    ],
                    options={
                        'db_table': 'connectors_space',
                    },
                ),
                migrations.CreateModel(
                    name='Membership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('owner', 'Owner'), ('editor', 'Editor'), ('viewer', 'Viewer')], default='viewer', max_length=10)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='tenancy.workspace')),
                    ],
                    options={
                        'db_table': 'connectors_membership',
                    },
                ),
                migrations.CreateModel(
                    name='ApiKey',
                    fields=[
                        ('id', models.CharField(editable=False, max_length=150, primary_key=True, serialize=False, unique=True)),
                        ('prefix', models.CharField(editable=False, max_length=8, unique=True)),
                        ('hashed_key', models.CharField(editable=False, max_length=150)),
                        ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('name', models.CharField(default=None, help_text='A free-form name for the API key. Need not be unique. 50 characters max.', max_length=50)),
                        ('revoked', models.BooleanField(blank=True, default=False, help_text='If the API key is revoked, clients cannot use it anymore. (This cannot be undone.)')),
                        ('expiry_date', models.DateTimeField(blank=True, help_text='Once API key expires, clients cannot use it anymore.', null=True, verbose_name='Expires')),
                        ('role', models.CharField(choices=[('admin', 'Admin'), ('viewer', 'Viewer')], default='admin', max_length=10)),
                        ('registry', models.BooleanField(default=False, help_text='May also write the global connector registry.')),
                        ('last_used_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.CharField(blank=True, max_length=200)),
                        ('workspace', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_keys', to='tenancy.workspace')),
                    ],
                    options={
                        'db_table': 'connectors_apikey',
                        'verbose_name': 'API key',
                        'verbose_name_plural': 'API keys',
                        'ordering': ('-created',),
                        'abstract': False,
                    },
                ),
                migrations.CreateModel(
                    name='Collection',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('name', models.CharField(max_length=200)),
                        ('description', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('space', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='collections', to='tenancy.space')),
                    ],
                    options={
                        'db_table': 'connectors_collection',
                        'indexes': [models.Index(fields=['space', 'created_at', 'id'], name='connectors__space_i_95ed3f_idx')],
                        'constraints': [models.UniqueConstraint(fields=('space', 'name'), name='collection_name_unique')],
                    },
                ),
                migrations.AddIndex(
                    model_name='space',
                    index=models.Index(fields=['workspace', 'created_at', 'id'], name='connectors__workspa_eff7a6_idx'),
                ),
                migrations.AddConstraint(
                    model_name='space',
                    constraint=models.UniqueConstraint(fields=('workspace', 'name'), name='space_name_unique'),
                ),
                migrations.AddConstraint(
                    model_name='membership',
                    constraint=models.UniqueConstraint(fields=('user', 'workspace'), name='membership_unique_pair'),
                ),
                migrations.AddConstraint(
                    model_name='membership',
                    constraint=models.CheckConstraint(condition=models.Q(('role__in', ['owner', 'editor', 'viewer'])), name='membership_role_valid'),
                ),
                migrations.AddIndex(
                    model_name='apikey',
                    index=models.Index(fields=['workspace', '-created'], name='connectors__workspa_437173_idx'),
                ),
                migrations.AddConstraint(
                    model_name='apikey',
                    constraint=models.CheckConstraint(condition=models.Q(('role__in', ['admin', 'viewer'])), name='apikey_role_valid'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
