"""Sync counters for ``/metrics``, added to in the database by whichever process finishes a sync.

The engine (and liveness, and cancelling a queued sync) emit ``sync.finished`` after commit; the
receiver here adds the sync to ``syncs_finished{status}``, its documents to
``documents_imported`` and its duration to the ``sync_duration_seconds`` histogram. Keeping them
in the database makes them fleet-wide and monotonic: any number of workers on any number of
machines add to the same rows, and a restarted process loses nothing.
"""

import logging
import math

from django.db import Error, IntegrityError, transaction
from django.db.models import F
from prometheus_client.utils import floatToGoString

from ops.models import MetricCounter

logger = logging.getLogger(__name__)

SYNCS_FINISHED = "syncs_finished"
DOCUMENTS_IMPORTED = "documents_imported"
SYNC_DURATION = "sync_duration_seconds"
#: Upper bounds (seconds) of the sync duration histogram's buckets; +Inf is added.
DURATION_BUCKETS = (
    1.0,
    5.0,
    15.0,
    30.0,
    60.0,
    120.0,
    300.0,
    900.0,
    1800.0,
    3600.0,
    7200.0,
    21600.0,
)


def labels_text(**labels) -> str:
    return ",".join(f"{key}={labels[key]}" for key in sorted(labels))


def parse_labels(text: str) -> dict:
    return dict(part.split("=", 1) for part in text.split(",") if part)


def bucket_label(bound: float) -> str:
    return floatToGoString(bound)  # "5.0", "+Inf": as Prometheus writes ``le``


def bucket_of(seconds: float) -> str:
    for bound in DURATION_BUCKETS:
        if seconds <= bound:
            return bucket_label(bound)
    return "+Inf"


def add(increments: dict[tuple[str, str], float]) -> None:
    """Add each amount to its counter, creating it at first use. Rows are taken in one order, so
    concurrent finishers never deadlock."""
    with transaction.atomic():
        for (name, labels), amount in sorted(increments.items()):
            if MetricCounter.objects.filter(name=name, labels=labels).update(
                value=F("value") + amount
            ):
                continue
            try:
                with transaction.atomic():
                    MetricCounter.objects.create(name=name, labels=labels, value=amount)
            except IntegrityError:
                MetricCounter.objects.filter(name=name, labels=labels).update(
                    value=F("value") + amount
                )


def record_finished_sync(sync_id) -> None:
    from syncs.models import Sync

    row = (
        Sync.objects.filter(pk=sync_id)
        .values("status", "started_at", "finished_at", "documents_created", "documents_updated")
        .first()
    )
    if row is None:
        return
    increments = {
        (SYNCS_FINISHED, labels_text(status=row["status"])): 1,
        (DOCUMENTS_IMPORTED, ""): row["documents_created"] + row["documents_updated"],
    }
    if row["started_at"] and row["finished_at"]:
        seconds = max(0.0, (row["finished_at"] - row["started_at"]).total_seconds())
        if math.isfinite(seconds):
            increments[(SYNC_DURATION + "_bucket", labels_text(le=bucket_of(seconds)))] = 1
            increments[(SYNC_DURATION + "_sum", "")] = seconds
            increments[(SYNC_DURATION + "_count", "")] = 1
    add(increments)


def _on_domain_event(sender, event, **kwargs) -> None:
    if event.name != "sync.finished":
        return
    try:
        record_finished_sync(event.object_id)
    except Error:
        logger.warning("Could not count finished sync %s in the metrics.", event.object_id)


def connect() -> None:
    from config.events import domain_event

    domain_event.connect(_on_domain_event, dispatch_uid="ops.counters")
