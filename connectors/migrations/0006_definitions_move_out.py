"""Connector definitions belong to the registry app (``registry.0001``): the connectors app's
state lets them go and its connectors point there; the table stays as it is."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0005_tenancy_models_move_out"),
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="connector",
                    name="definition",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="connectors", to="registry.connectordefinition"),
                ),
                migrations.DeleteModel(name="ConnectorDefinition"),
            ],
        ),
    ]
