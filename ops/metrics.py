"""Prometheus metrics for ``/metrics`` (prometheus-client).

From this web process (all gunicorn workers together, through prometheus-client's multiprocess
mode when ``PROMETHEUS_MULTIPROC_DIR`` is set, as ``config/gunicorn.py`` does):
- ``connector_hub_http_request_duration_seconds{route,method,status}``: request latency by URL
  pattern (``ops.middleware.RequestMetricsMiddleware``).

From the shared database and broker, the same on every web process (cached for
``CONNECTOR_HUB_METRICS_CACHE_SECONDS`` so frequent scrapes stay cheap):
- ``connector_hub_syncs{status}``: sync records by status (as kept by retention).
- ``connector_hub_syncs_finished_total{status}``, ``connector_hub_documents_imported_total``,
  ``connector_hub_sync_duration_seconds`` (histogram): counted by ``ops.counters`` when syncs end.
- ``connector_hub_queue_depth{queue}``: messages waiting in each Celery queue.
- ``connector_hub_worker_heartbeat_age_seconds{worker}``, ``connector_hub_beat_tick_age_seconds``,
  ``connector_hub_running_sync_heartbeat_age_seconds`` (the oldest heartbeat of a running sync).
- ``connector_hub_dependency_up{dependency}``: whether the database and broker answered.
"""

import logging
import os
import threading
import time

from django.conf import settings
from django.db import Error
from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)

from ops import counters, heartbeats
from ops.models import MetricCounter

logger = logging.getLogger(__name__)

PREFIX = "connector_hub_"
CONTENT_TYPE = CONTENT_TYPE_LATEST

REQUEST_DURATION = Histogram(
    PREFIX + "http_request_duration_seconds",
    "Time to answer a request, by URL pattern, method and status code.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
    registry=None,
)


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def queue_depths() -> dict[str, int]:
    """Messages waiting in each queue the workers consume (``CELERY_TASK_QUEUES``)."""
    from kombu.exceptions import ChannelError

    from config.celery import app

    depths = {}
    with app.connection_for_read(connect_timeout=settings.CONNECTOR_HUB_READY_TIMEOUT) as conn:
        for queue in app.conf.task_queues or ():
            channel = conn.channel()
            try:
                depths[queue.name] = channel.queue_declare(queue.name, passive=True).message_count
            except ChannelError:
                depths[queue.name] = 0  # not declared yet: nothing was ever sent to it
            finally:
                channel.close()
    return depths


def _database_snapshot() -> dict:
    from syncs.models import Sync, SyncStatus

    now = timezone.now()
    rows = Sync.objects.order_by().values("status").annotate(n=Count("id"))
    by_status = {row["status"]: row["n"] for row in rows}
    oldest = Sync.objects.filter(status=SyncStatus.RUNNING, lease_token__isnull=False).aggregate(
        at=Min("heartbeat_at")
    )["at"]
    return {
        "syncs": {status: by_status.get(status, 0) for status in SyncStatus.values},
        "counters": list(MetricCounter.objects.values_list("name", "labels", "value")),
        "workers": heartbeats.worker_ages(now=now),
        "beat": heartbeats.age_seconds(heartbeats.BEAT, now=now),
        "running_heartbeat_age": (now - oldest).total_seconds() if oldest else 0.0,
    }


class _Snapshot:
    """The database and broker readings, taken at most once per cache period per process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.taken_at = None
        self.value = None

    def get(self) -> dict:
        with self.lock:
            ttl = settings.CONNECTOR_HUB_METRICS_CACHE_SECONDS
            if self.value is None or time.monotonic() - self.taken_at >= ttl:
                self.value = self._take()
                self.taken_at = time.monotonic()
            return self.value

    def clear(self) -> None:
        with self.lock:
            self.value = None

    def _take(self) -> dict:
        reading = {"up": {}}
        try:
            reading.update(_database_snapshot())
            reading["up"]["database"] = 1
        except Error as error:
            logger.warning("Metrics: the database did not answer: %s", type(error).__name__)
            reading["up"]["database"] = 0
        try:
            reading["queues"] = queue_depths()
            reading["up"]["broker"] = 1
        except Exception as error:
            logger.warning("Metrics: the broker did not answer: %s", type(error).__name__)
            reading["up"]["broker"] = 0
        return reading


snapshot = _Snapshot()


def _histogram(rows: dict) -> tuple[list, float]:
    buckets, cumulative = [], 0.0
    for bound in (*map(counters.bucket_label, counters.DURATION_BUCKETS), "+Inf"):
        cumulative += rows.get(counters.labels_text(le=bound), 0.0)
        buckets.append((bound, cumulative))
    return buckets, rows.get("_sum", 0.0)


class HubCollector:
    """The deployment-wide metrics, read from the database and the broker."""

    def collect(self):
        reading = snapshot.get()
        up = GaugeMetricFamily(
            PREFIX + "dependency_up", "1 when the dependency answered.", labels=["dependency"]
        )
        for name, value in sorted(reading["up"].items()):
            up.add_metric([name], value)
        yield up
        if "syncs" in reading:
            yield from self._database_metrics(reading)
        if "queues" in reading:
            depth = GaugeMetricFamily(
                PREFIX + "queue_depth", "Task messages waiting in a queue.", labels=["queue"]
            )
            for name, value in sorted(reading["queues"].items()):
                depth.add_metric([name], value)
            yield depth

    def _database_metrics(self, reading):
        syncs = GaugeMetricFamily(PREFIX + "syncs", "Sync records by status.", labels=["status"])
        for status, n in reading["syncs"].items():
            syncs.add_metric([status], n)
        yield syncs

        finished = CounterMetricFamily(
            PREFIX + "syncs_finished", "Syncs that ended, by outcome.", labels=["status"]
        )
        imported = CounterMetricFamily(
            PREFIX + "documents_imported", "Documents created or updated by syncs that ended."
        )
        duration_rows = {}
        for name, labels, value in reading["counters"]:
            if name == counters.SYNCS_FINISHED:
                finished.add_metric([counters.parse_labels(labels).get("status", "")], value)
            elif name == counters.DOCUMENTS_IMPORTED:
                imported.add_metric([], value)
            elif name == counters.SYNC_DURATION + "_bucket":
                duration_rows[labels] = value
            elif name == counters.SYNC_DURATION + "_sum":
                duration_rows["_sum"] = value
        if not imported.samples:
            imported.add_metric([], 0)
        yield finished
        yield imported
        buckets, total = _histogram(duration_rows)
        yield HistogramMetricFamily(
            PREFIX + counters.SYNC_DURATION,
            "Time from a sync's start to its end.",
            buckets=buckets,
            sum_value=total,
        )

        workers = GaugeMetricFamily(
            PREFIX + "worker_heartbeat_age_seconds",
            "Seconds since each worker's main process last wrote its heartbeat.",
            labels=["worker"],
        )
        for name, age in sorted(reading["workers"].items()):
            workers.add_metric([name], round(age, 3))
        yield workers
        if reading["beat"] is not None:
            yield GaugeMetricFamily(
                PREFIX + "beat_tick_age_seconds",
                "Seconds since beat's scheduler last ticked.",
                value=round(reading["beat"], 3),
            )
        yield GaugeMetricFamily(
            PREFIX + "running_sync_heartbeat_age_seconds",
            "Seconds since the stalest running sync's last heartbeat (0 when none runs).",
            value=round(reading["running_heartbeat_age"], 3),
        )


def exposition() -> bytes:
    registry = CollectorRegistry()
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_DURATION)
    registry.register(HubCollector())
    return generate_latest(registry)
