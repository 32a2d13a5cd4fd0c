"""Documents stored as a sync stores them (the engine's write path, counters included), for tests
that need documents without running a reader."""

from django.db import transaction
from django.utils import timezone

from connectors.sources.base import SourceDocument
from syncs import document_stats
from syncs.engine import documents


def store_documents(connector, batch: list[SourceDocument], *, when=None) -> None:
    when = when or timezone.now()
    connector_id = getattr(connector, "pk", connector)
    with transaction.atomic():
        counts, rejected = documents.upsert(connector_id, None, batch, when)
        assert not rejected, rejected
        document_stats.record(connector_id, created=counts.created, now=when)
