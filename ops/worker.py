"""The worker's heartbeat: a Celery bootstep added to every worker by ``config/celery.py``.

Kept apart from ``ops.heartbeats`` because the Celery app loads it before Django's apps are ready.
"""

from celery import bootsteps
from django.conf import settings


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Writes ``worker:<hostname>`` (and its pool size) every ``CONNECTOR_HUB_WORKER_HEARTBEAT_INTERVAL`` seconds from
    the worker's main process (its timer runs in the event loop, so a stuck main process stops
    beating). The connection is closed after each write: the pool forks from this process."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.entry = None
        self.name = ""
        self.processes = 1

    def start(self, worker):
        from ops import heartbeats

        self.name = heartbeats.WORKER_PREFIX + worker.hostname
        self.processes = worker.concurrency or 1
        self.beat()
        self.entry = worker.timer.call_repeatedly(
            settings.CONNECTOR_HUB_WORKER_HEARTBEAT_INTERVAL, self.beat, priority=10
        )

    def beat(self):
        from django.db import connection

        from ops import heartbeats

        heartbeats.record(
            self.name,
            touch=settings.CONNECTOR_HUB_WORKER_HEARTBEAT_FILE,
            processes=self.processes,
        )
        connection.close()

    def stop(self, worker):
        if self.entry is not None:
            self.entry.cancel()
            self.entry = None
        if self.name:
            from django.db import connection

            from ops import heartbeats

            heartbeats.forget(self.name)
            connection.close()
