# At most one Live version per connector type, enforced by the database.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('connectors', '0002_retire_duplicate_live_versions'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='connectordefinition',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'Live')), fields=('connector_id',), name='definition_one_live_version'),
        ),
    ]
