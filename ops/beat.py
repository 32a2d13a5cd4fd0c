"""Beat proves it ticks: ``TickingScheduler`` is django-celery-beat's ``DatabaseScheduler`` that
also records the ``beat`` heartbeat (at most every ``CONNECTOR_HUB_BEAT_TICK_INTERVAL`` seconds)
each time beat's loop wakes up. ``/readyz`` fails when that tick is older than
``CONNECTOR_HUB_BEAT_MAX_AGE``: beat is down, stuck, or cannot reach the database.

The tick is written by beat itself, not by a task, so it does not depend on a worker being free;
queue depth and worker heartbeats say whether work is being done.
"""

import time

from django.conf import settings
from django_celery_beat.schedulers import DatabaseScheduler

from ops import heartbeats


class TickingScheduler(DatabaseScheduler):
    _last_recorded = None

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        now = time.monotonic()
        due = self._last_recorded is None or (
            now - self._last_recorded >= settings.CONNECTOR_HUB_BEAT_TICK_INTERVAL
        )
        if due and heartbeats.record(
            heartbeats.BEAT, touch=settings.CONNECTOR_HUB_BEAT_HEARTBEAT_FILE
        ):
            self._last_recorded = now
        return interval
