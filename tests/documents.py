"""Documents stored as a sync stores them (the engine's write path, counters included), for tests
that need documents without running a reader."""

import uuid

from django.db import transaction
from django.utils import timezone

from registry.sources.base import SourceDocument
from syncs import document_stats
from syncs.engine import documents


def store_documents(connector, batch: list[SourceDocument], *, when=None) -> None:
    when = when or timezone.now()
    connector_id = getattr(connector, "pk", connector)
    with transaction.atomic():
        writer = documents.DocumentWriter(connector_id)
        counts, rejected = writer.write(batch, uuid.uuid4(), when)
        assert not rejected, rejected
        document_stats.record(connector_id, created=counts.created, now=when)
