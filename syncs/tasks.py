"""Thin Celery tasks: they take ids and call the engine or a service.

Acknowledgement policy of ``run_sync``: ``acks_late`` with ``reject_on_worker_lost``. The message is
acknowledged only once the task returns, so a sync whose worker died before claiming it is
delivered again instead of staying queued; a redelivered message whose sync was already claimed
finds the lease taken (the claim is a conditional UPDATE) and exits without writing. A worker that
died mid-sync is covered by liveness either way: with Redis the message comes back after the
visibility timeout (or at once when only a pool process died) and is a no-op; the file-system
transport never redelivers. Liveness also re-sends the message of a sync left waiting too long.
"""

from celery import shared_task

from connectors.models import Connector


@shared_task(name="syncs.tasks.run_sync", acks_late=True, reject_on_worker_lost=True)
def run_sync(sync_id: str) -> None:
    from syncs.engine import run

    run(sync_id)


@shared_task(name="syncs.tasks.run_sync_part", acks_late=True, reject_on_worker_lost=True)
def run_sync_part(part_id: str) -> None:
    """One part of a sync read by several workers at once (``syncs.engine.parts``)."""
    from syncs.engine import run_part

    run_part(part_id)


@shared_task(name="syncs.tasks.scheduled_sync")
def scheduled_sync(connector_id: str) -> None:
    from syncs import start_rules

    start_rules.schedule_ticked(connector_id=connector_id)


@shared_task(name="syncs.tasks.purge_connector")
def purge_connector(connector_id: str) -> None:
    """Empty a deleted connector: its syncs, logs and uploaded files go, its documents become
    tombstones in chunks (the change feeds send their deletes); retention removes the tombstones
    and then the connector once the deleted-document retention period has passed (at once when
    it had no documents)."""
    from syncs import retention

    connector = Connector.all_objects.filter(pk=connector_id, deleted_at__isnull=False).first()
    if connector is None:
        return
    retention.bury_documents(connector)
    retention.remove_deleted_connector_records(connector)
    if not connector.documents.exists():
        retention.remove_connector(connector)  # no tombstone to keep


@shared_task(name="syncs.tasks.check_liveness")
def check_liveness() -> dict:
    from connectors.connection_checks import resend_lost_checks
    from syncs import liveness

    return {
        "lost": liveness.recover_lost_syncs(),
        "lost_parts": liveness.recover_lost_parts(),
        "lost_checks": resend_lost_checks(),
        "redispatched": liveness.redispatch_waiting_syncs(),
        "lost_ticks": liveness.resend_lost_schedule_ticks(),
    }
