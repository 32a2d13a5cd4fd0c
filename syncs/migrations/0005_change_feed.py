import django.db.models.deletion
import django.db.models.functions.datetime
import django.utils.timezone
from django.db import migrations, models

import syncs.feed.stamps


def start_the_feed(apps, schema_editor):
    """The clock's row, and an open membership for every association that exists: its connector's
    documents are in the feed from the beginning (stamp 0)."""
    ChangeClock = apps.get_model("syncs", "ChangeClock")
    CollectionMembership = apps.get_model("syncs", "CollectionMembership")
    ConnectorCollection = apps.get_model("connectors", "ConnectorCollection")
    ChangeClock.objects.get_or_create(id=1)
    CollectionMembership.objects.bulk_create(
        CollectionMembership(
            collection_id=association.collection_id,
            connector_id=association.connector_id,
            started_stamp=0,
            started_at=association.created_at,
        )
        for association in ConnectorCollection.objects.all().iterator()
    )


class Migration(migrations.Migration):

    dependencies = [
        ('connectors', '0001_initial'),
        ('syncs', '0004_attempts_listed_keys_documents_without_fk'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChangeClock',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.BigIntegerField(default=0)),
                ('purged_through', models.BigIntegerField(default=-1)),
            ],
        ),
        migrations.CreateModel(
            name='CollectionMembership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started_stamp', models.BigIntegerField(db_default=syncs.feed.stamps.ColumnDefault(), default=syncs.feed.stamps.for_insert, editable=False)),
                ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('ended_stamp', models.BigIntegerField(blank=True, editable=False, null=True)),
                ('ended_at', models.DateTimeField(blank=True, null=True)),
                ('collection', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='connectors.collection')),
                ('connector', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='connectors.connector')),
            ],
            options={
                'indexes': [models.Index(fields=['collection', 'ended_stamp'], name='membership_by_end_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('ended_stamp__isnull', True)), fields=('collection', 'connector'), name='membership_one_open_per_pair')],
            },
        ),
        # Existing documents get the constant 0 (no table rewrite on PostgreSQL); the stamping
        # default applies from the next statement on.
        migrations.AddField(
            model_name='document',
            name='change_stamp',
            field=models.BigIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AlterField(
            model_name='document',
            name='change_stamp',
            field=models.BigIntegerField(db_default=syncs.feed.stamps.ColumnDefault(), default=syncs.feed.stamps.for_insert, editable=False),
        ),
        migrations.AddField(
            model_name='document',
            name='changed_at',
            field=models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), editable=False),
        ),
        migrations.AddIndex(
            model_name='document',
            index=models.Index(fields=['connector', 'change_stamp', 'id'], name='document_changes_idx'),
        ),
        migrations.RunPython(start_the_feed, migrations.RunPython.noop),
    ]
