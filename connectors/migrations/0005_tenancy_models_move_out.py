"""Workspaces, memberships, spaces, collections and API keys belong to the tenancy app
(``tenancy.0001``): the connectors app's state lets them go; their tables stay as they are."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('connectors', '0004_stored_masked_views'),
        ('syncs', '0007_collections_of_tenancy'),
        ('tenancy', '0001_initial'),
        ('webhooks', '0003_workspaces_of_tenancy'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='collection',
                    name='space',
                ),
                migrations.AlterField(
                    model_name='connectorcollection',
                    name='collection',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='associations', to='tenancy.collection'),
                ),
                migrations.RemoveField(
                    model_name='membership',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='membership',
                    name='workspace',
                ),
                migrations.RemoveField(
                    model_name='space',
                    name='workspace',
                ),
                migrations.AlterField(
                    model_name='connector',
                    name='workspace',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='connectors', to='tenancy.workspace'),
                ),
                migrations.AlterField(
                    model_name='connector',
                    name='collections',
                    field=models.ManyToManyField(blank=True, related_name='connectors', through='connectors.ConnectorCollection', to='tenancy.collection'),
                ),
                migrations.DeleteModel(
                    name='ApiKey',
                ),
                migrations.DeleteModel(
                    name='Collection',
                ),
                migrations.DeleteModel(
                    name='Membership',
                ),
                migrations.DeleteModel(
                    name='Space',
                ),
                migrations.DeleteModel(
                    name='Workspace',
                ),
            ],
        ),
    ]
