"""The tables and indexes the connectors app created take this app's names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("tenancy", "0001_initial"),
        ("connectors", "0005_tenancy_models_move_out"),
    ]

    operations = [
        migrations.AlterModelTable(name="workspace", table=None),
        migrations.AlterModelTable(name="membership", table=None),
        migrations.AlterModelTable(name="space", table=None),
        migrations.AlterModelTable(name="collection", table=None),
        migrations.AlterModelTable(name="apikey", table=None),
        migrations.RenameIndex(
            model_name="space",
            new_name="tenancy_spa_workspa_a368d3_idx",
            old_name="connectors__workspa_eff7a6_idx",
        ),
        migrations.RenameIndex(
            model_name="collection",
            new_name="tenancy_col_space_i_756a3f_idx",
            old_name="connectors__space_i_95ed3f_idx",
        ),
        migrations.RenameIndex(
            model_name="apikey",
            new_name="tenancy_api_workspa_24219b_idx",
            old_name="connectors__workspa_437173_idx",
        ),
    ]
