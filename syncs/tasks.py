"""Thin Celery tasks: they take ids and call the engine or a service."""

from celery import shared_task
from django.db import transaction

from connectors.lifecycle import State
from connectors.models import Connector
from syncs import services
from syncs.models import Document, Sync, SyncLogLine, SyncTrigger

PURGE_CHUNK = 5000


@shared_task(name="syncs.tasks.run_sync")
def run_sync(sync_id: str) -> None:
    from syncs.engine import run

    run(sync_id)


@shared_task(name="syncs.tasks.scheduled_sync")
def scheduled_sync(connector_id: str) -> None:
    connector = Connector.objects.filter(pk=connector_id, state=State.RUNNING).first()
    if connector is not None:
        services.sync_trigger_unless_active(
            actor=None, connector=connector, trigger=SyncTrigger.SCHEDULE
        )


@shared_task(name="syncs.tasks.purge_connector")
def purge_connector(connector_id: str) -> None:
    """Remove a deleted connector's documents in chunks, then the connector itself."""
    connector = Connector.all_objects.filter(pk=connector_id, deleted_at__isnull=False).first()
    if connector is None:
        return
    for model in (Document, SyncLogLine):
        field = "connector" if model is Document else "sync__connector"
        while True:
            ids = list(
                model.objects.filter(**{field: connector}).values_list("pk", flat=True)[
                    :PURGE_CHUNK
                ]
            )
            if not ids:
                break
            model.objects.filter(pk__in=ids).delete()
    with transaction.atomic():
        Sync.objects.filter(connector=connector).delete()
        connector.delete()
