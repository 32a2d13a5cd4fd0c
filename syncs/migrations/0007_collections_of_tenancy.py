"""Collections are the tenancy app's (``tenancy.0001``); the tables are untouched."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('syncs', '0006_sync_parts'),
        ('tenancy', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='collectionmembership',
                    name='collection',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenancy.collection'),
                ),
                migrations.AlterField(
                    model_name='sync',
                    name='collection',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='syncs', to='tenancy.collection'),
                ),
            ],
        ),
    ]
