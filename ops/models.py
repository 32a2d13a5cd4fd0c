"""What every process of a deployment shares through the database: service heartbeats (beat,
each worker) and the counters behind the sync metrics."""

from django.db import models
from django.utils import timezone


class ServiceHeartbeat(models.Model):
    """The last time a long-running service proved it was alive: ``beat`` (its scheduler loop)
    or ``worker:<hostname>`` (each Celery worker's main process)."""

    name = models.CharField(max_length=255, unique=True)
    at = models.DateTimeField(default=timezone.now)
    # A worker's pool size (its concurrency): how many tasks it runs at once.
    processes = models.PositiveIntegerField(default=1)

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class MetricCounter(models.Model):
    """A monotonic counter that any process adds to (``ops.counters``), read by ``/metrics``.
    ``labels`` is the canonical ``key=value,...`` text of the series' labels."""

    name = models.CharField(max_length=100)
    labels = models.CharField(max_length=200, blank=True)
    value = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "labels"], name="metric_counter_unique"),
        ]

    def __str__(self):
        return f"{self.name}{{{self.labels}}} {self.value}"
