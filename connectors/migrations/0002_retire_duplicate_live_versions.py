"""Before the database refuses a second Live version of a type (0003): where several versions of
one type are Live, the most recently published stays Live and the others are retired, as
registering that version would have done. A retired version keeps running its connectors."""

from django.db import migrations
from django.db.models import Count, F
from django.utils import timezone


def retire_duplicate_live_versions(apps, schema_editor):
    definitions = apps.get_model("connectors", "ConnectorDefinition")
    live = definitions.objects.filter(status="Live")
    duplicated = (
        live.values("connector_id").annotate(count=Count("id")).filter(count__gt=1)
    )
    now = timezone.now()
    for row in duplicated:
        versions = live.filter(connector_id=row["connector_id"]).order_by(
            F("live_date").desc(nulls_last=True), "-id"
        )
        kept = versions.first()
        versions.exclude(pk=kept.pk).update(
            status="Retired", updated_by="SYSTEM", updated_date=now
        )


class Migration(migrations.Migration):
    dependencies = [("connectors", "0001_initial")]

    operations = [
        migrations.RunPython(retire_duplicate_live_versions, migrations.RunPython.noop),
    ]
