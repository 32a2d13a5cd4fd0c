"""Service heartbeats in the database: beat's scheduler (``ops.beat``) and each worker's main
process (``ops.worker.WorkerHeartbeat``, a Celery bootstep) write theirs every few seconds;
``/readyz`` and ``/metrics`` read their age.

A worker that stops warmly removes its row; one that died keeps it (its age keeps growing in the
metrics, which is what an alert wants) until retention forgets it after
``CONNECTOR_HUB_HEARTBEAT_FORGET_AFTER`` seconds.
"""

import logging
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import Error, connection
from django.utils import timezone

from ops.models import ServiceHeartbeat

logger = logging.getLogger(__name__)

BEAT = "beat"
WORKER_PREFIX = "worker:"


def record(name: str, *, touch: str = "", processes: int = 1) -> bool:
    """Write ``name``'s heartbeat now (a worker's with its pool size); touch the file ``touch``
    too (container health checks). False when the database could not be reached (logged, never
    raised)."""
    try:
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()
        ServiceHeartbeat.objects.update_or_create(
            name=name, defaults={"at": timezone.now(), "processes": max(1, processes)}
        )
    except Error as error:
        logger.warning("Could not record the %s heartbeat: %s", name, type(error).__name__)
        if not connection.in_atomic_block:
            connection.close()
        return False
    if touch:
        Path(touch).touch()
    return True


def forget(name: str) -> None:
    try:
        ServiceHeartbeat.objects.filter(name=name).delete()
    except Error:
        pass


def age_seconds(name: str, *, now=None) -> float | None:
    at = ServiceHeartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    if at is None:
        return None
    return max(0.0, ((now or timezone.now()) - at).total_seconds())


def worker_ages(*, now=None) -> dict[str, float]:
    now = now or timezone.now()
    rows = ServiceHeartbeat.objects.filter(name__startswith=WORKER_PREFIX).values_list("name", "at")
    return {name[len(WORKER_PREFIX) :]: max(0.0, (now - at).total_seconds()) for name, at in rows}


def worker_processes(*, fresher_than: float, now=None) -> int:
    """The pool processes of every worker whose heartbeat is younger than ``fresher_than``
    seconds: how many tasks the workers alive can run at once."""
    now = now or timezone.now()
    since = now - timedelta(seconds=fresher_than)
    rows = ServiceHeartbeat.objects.filter(name__startswith=WORKER_PREFIX, at__gt=since)
    return sum(rows.values_list("processes", flat=True))


def purge_stale(*, now=None) -> int:
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CONNECTOR_HUB_HEARTBEAT_FORGET_AFTER)
    return ServiceHeartbeat.objects.filter(at__lt=cutoff).delete()[0]
