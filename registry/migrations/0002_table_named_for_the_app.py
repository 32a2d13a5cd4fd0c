"""The table and the two named indexes the connectors app created take this app's names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
        ("connectors", "0006_definitions_move_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="connectordefinition", table=None),
        migrations.RenameIndex(
            model_name="connectordefinition",
            new_name="registry_co_status_0b07f8_idx",
            old_name="connectors__status_722e8c_idx",
        ),
        migrations.RenameIndex(
            model_name="connectordefinition",
            new_name="registry_co_connect_ef44ee_idx",
            old_name="connectors__connect_d9ca6c_idx",
        ),
    ]
