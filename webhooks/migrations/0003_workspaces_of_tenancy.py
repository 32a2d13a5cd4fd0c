"""Workspaces are the tenancy app's (``tenancy.0001``); the tables are untouched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tenancy', '0001_initial'),
        ('webhooks', '0002_documents_changed_event'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='webhooksubscription',
                    name='workspace',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='webhooks', to='tenancy.workspace'),
                ),
            ],
        ),
    ]
