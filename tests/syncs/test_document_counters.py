"""The document counters the pages read: kept exact by the engine's batches, the prune at the
end of a pass, and connector deletion; backfilled from the stored documents by the migration."""

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from connectors import services
from registry.sources.base import SourceDocument
from syncs import document_stats
from syncs import selectors as sync_selectors
from syncs.engine import documents
from syncs.models import Document, DocumentCount, DocumentDay

pytestmark = pytest.mark.database


def _live(connector) -> int:
    return Document.objects.filter(connector=connector, deleted_at__isnull=True).count()


def _days(connector) -> dict:
    return dict(DocumentDay.objects.filter(connector=connector).values_list("day", "imported"))


def test_syncs_keep_the_live_count_and_the_imports_of_the_day(
    make_sample_connector, sync_to_end, workspace
):
    from connectors.models import Connector

    connector = make_sample_connector(document_count=120, batch_size=25)
    sync_to_end(connector)
    today = timezone.localdate()
    assert sync_selectors.document_count(connector) == _live(connector) == 120
    assert _days(connector) == {today: 120}

    Connector.objects.filter(pk=connector.pk).update(config={"document_count": 90})
    connector.refresh_from_db()
    sync_to_end(connector)  # 30 pruned at the end of the pass
    assert sync_selectors.document_count(connector) == _live(connector) == 90

    Connector.objects.filter(pk=connector.pk).update(config={"document_count": 100})
    connector.refresh_from_db()
    sync_to_end(connector)  # 10 come back
    assert sync_selectors.document_count(connector) == _live(connector) == 100
    assert _days(connector) == {today: 130}
    since = timezone.now() - timedelta(days=2)
    assert sync_selectors.documents_per_day(workspace, since) == {today: 130}


def test_documents_reported_deleted_leave_the_count(make_sample_connector):
    connector = make_sample_connector(document_count=1)
    now = timezone.now()
    batch = [SourceDocument(external_id=f"d{n}", content=str(n)) for n in range(5)]
    with transaction.atomic():
        writer = documents.DocumentWriter(connector.pk)
        counts, _ = writer.write(batch, uuid.uuid4(), now)
        counts.deleted = writer.mark_deleted(["d0", "d1", "missing"], now)
        document_stats.record(connector.pk, created=counts.created, deleted=counts.deleted)
    assert (counts.created, counts.deleted) == (5, 2)
    assert sync_selectors.document_count(connector) == _live(connector) == 3


def test_collection_counts_sum_their_visible_connectors(
    make_sample_connector, sync_to_end, owner, collection
):
    first = make_sample_connector(name="first", document_count=30)
    second = make_sample_connector(name="second", document_count=12)
    for connector in (first, second):
        sync_to_end(connector)
        services.connector_associate(actor=owner, connector=connector, collection=collection)
    assert sync_selectors.collection_document_count(collection) == 42
    assert sync_selectors.document_counts([first.pk, second.pk]) == {first.pk: 30, second.pk: 12}

    services.connector_delete(actor=owner, connector=second)
    assert sync_selectors.collection_document_count(collection) == 30
    assert not DocumentCount.objects.filter(connector=second).exists()
    assert not DocumentDay.objects.filter(connector=second).exists()


def test_the_migration_backfills_the_counters(make_sample_connector, sync_to_end):
    from django.apps import apps as current_apps

    connector = make_sample_connector(document_count=40)
    sync_to_end(connector)
    earlier = timezone.now() - timedelta(days=3)
    Document.objects.filter(connector=connector, external_id__in=["sample-1", "sample-2"]).update(
        first_seen_at=earlier
    )
    Document.objects.filter(connector=connector, external_id="sample-3").update(deleted_at=earlier)
    DocumentCount.objects.all().delete()
    DocumentDay.objects.all().delete()

    migration = __import__("syncs.migrations.0003_document_counters", fromlist=["backfill"])
    migration.backfill(current_apps, None)

    assert sync_selectors.document_count(connector) == 39
    assert _days(connector) == {timezone.localdate(earlier): 2, timezone.localdate(): 38}
