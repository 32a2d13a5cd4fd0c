"""Operations' periodic task: every app's retention."""

from celery import shared_task


@shared_task(name="ops.tasks.purge_expired")
def purge_expired() -> dict:
    """Remove what every app keeps only for a while (see each app's ``retention``)."""
    from audit.retention import purge_old_audit_entries
    from ops import heartbeats
    from syncs import retention

    return {
        "syncs": retention.purge_old_syncs(),
        "documents": retention.purge_deleted_documents(),
        "memberships": retention.purge_ended_memberships(),
        "connectors": retention.purge_deleted_connectors(),
        "idempotency_records": retention.purge_expired_idempotency_records(),
        "audit_entries": purge_old_audit_entries(),
        "heartbeats": heartbeats.purge_stale(),
    }
