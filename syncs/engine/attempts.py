"""A sync's attempts: each try from a worker taking it up to how that try ended.

An attempt begins when a worker claims a queued sync, when an in-place retry follows a temporary
error, and when a sync whose worker was lost is taken up again after its back-off; task runs that
hand a long sync on to each other belong to one attempt. ``Sync.attempts`` counts them. The
documents an attempt stored are the sync's documents seen during it.
"""

from django.db.models import F

from syncs.models import AttemptOutcome, Sync, SyncAttempt


def begin(sync_id, now) -> None:
    """Record the attempt ``Sync.attempts`` now numbers (the caller just counted it)."""
    number, seen = Sync.objects.values_list("attempts", "documents_seen").get(pk=sync_id)
    SyncAttempt.objects.create(
        sync_id=sync_id, number=max(1, number), started_at=now, documents_before=seen
    )


def end(sync_id, outcome: str, reason: str, now) -> None:
    """End the sync's running attempt, if one is recorded."""
    seen = Sync.objects.values_list("documents_seen", flat=True).get(pk=sync_id)
    SyncAttempt.objects.filter(sync_id=sync_id, outcome=AttemptOutcome.RUNNING).update(
        outcome=outcome,
        reason=reason[:2000],
        finished_at=now,
        documents=max(0, seen) - F("documents_before"),
    )


def lost_count(sync_id) -> int:
    """Attempts of the sync that ended with their worker lost."""
    return SyncAttempt.objects.filter(sync_id=sync_id, outcome=AttemptOutcome.WORKER_LOST).count()
