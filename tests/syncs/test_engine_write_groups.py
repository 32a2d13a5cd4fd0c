"""Write groups, the reader thread, the direct write of a fresh pass and the keys-only listing
that finds deletions, on the test database (SQLite, and PostgreSQL in CI)."""

import pytest

from registry.sources.base import Batch, Source, SourceDocument
from syncs.models import Document, SyncStatus

pytestmark = pytest.mark.database


def _live(connector) -> set[str]:
    return set(
        Document.objects.filter(connector=connector, deleted_at__isnull=True).values_list(
            "external_id", flat=True
        )
    )


class ManySmallBatches(Source):
    """Reads ahead in a thread: 60 batches of 5 documents, one id repeated across batches."""

    read_ahead = True
    transactions: list = []

    def read(self, cursor):
        start = (cursor or {}).get("next", 0)
        for n in range(start, 60):
            documents = [
                SourceDocument(external_id=f"d{n}-{i}", content=f"{n}/{i}") for i in range(5)
            ]
            if n == 30:
                documents.append(SourceDocument(external_id="d0-0", content="again"))
            self.context.log(f"batch {n}") if n == 59 else None
            yield Batch(documents=documents, cursor={"next": n + 1}, total=301)


def test_small_batches_are_stored_in_few_transactions_with_exact_counts(
    scripted_connector, sync_to_end, settings, monkeypatch
):
    from syncs.engine import reading

    settings.CONNECTOR_HUB_SYNC_COMMIT_ROWS = 100
    settings.CONNECTOR_HUB_SYNC_COMMIT_SECONDS = 60
    groups = []
    store_group = reading.ReadsAndStores._store_group

    def counting(self, group):
        groups.append(len(group.batches))
        return store_group(self, group)

    monkeypatch.setattr(reading.ReadsAndStores, "_store_group", counting)
    connector = scripted_connector(ManySmallBatches)
    sync = sync_to_end(connector)

    assert sync.status == SyncStatus.SUCCEEDED, sync.error_message
    assert sum(groups) == 60 and len(groups) < 10  # transactions decoupled from batches
    # The fresh pass wrote straight in until the source repeated an id, then upserted.
    assert (sync.documents_created, sync.documents_updated) == (300, 1)
    assert (sync.documents_seen, sync.progress_done, sync.progress_total) == (301, 301, 301)
    assert Document.objects.get(connector=connector, external_id="d0-0").content == "again"
    assert len(_live(connector)) == 300
    connector.refresh_from_db()
    assert connector.cursor is None  # a whole-source pass completed
    assert "batch 59" in list(sync.log_lines.values_list("message", flat=True))


class Listing(Source):
    """An incremental reader: changes first, then the ids it has now (keys only)."""

    incremental = True
    read_ahead = True
    now_present: list[str] = []
    changed: list[str] = []

    def read(self, cursor):
        if cursor is None:  # the first, whole read
            yield Batch([SourceDocument(external_id=e, content=e) for e in self.now_present], {})
            return
        yield Batch([SourceDocument(external_id=e, content=e + "!") for e in self.changed], {})
        present = self.now_present
        for start in range(0, len(present), 3):
            yield Batch(documents=[], listed_external_ids=present[start : start + 3], cursor={})
        yield Batch(documents=[], listing_complete=True, cursor={})


def test_a_listing_marks_deleted_what_it_no_longer_names(scripted_connector, sync_to_end):
    Listing.now_present = [f"k{n}" for n in range(10)]
    connector = scripted_connector(Listing)
    assert sync_to_end(connector).documents_created == 10

    # k3 and k7 are gone; k1 changed; k9 changed but is missing from the listing (it was
    # deleted after the change was read): what this pass stored is kept until the next pass.
    Listing.now_present = [f"k{n}" for n in range(10) if n not in (3, 7, 9)]
    Listing.changed = ["k1", "k9"]
    sync = sync_to_end(connector)

    assert (sync.documents_updated, sync.documents_deleted) == (2, 2)
    assert _live(connector) == {f"k{n}" for n in (0, 1, 2, 4, 5, 6, 8, 9)}
    from syncs.models import ListedKey

    assert not ListedKey.objects.filter(connector_id=connector.pk).exists()

    Listing.changed = []
    again = sync_to_end(connector)
    assert (again.documents_updated, again.documents_deleted) == (0, 1)
    assert _live(connector) == {f"k{n}" for n in (0, 1, 2, 4, 5, 6, 8)}


def test_stored_rows_are_built_once_in_order_however_their_reads_are_cut(monkeypatch):
    import uuid

    from django.utils import timezone

    from syncs.engine import documents

    built = []
    stored_values = documents.stored_values

    def counting(document, memo):
        built.append(document.external_id)
        return stored_values(document, memo)

    monkeypatch.setattr(documents, "stored_values", counting)
    batch = [SourceDocument(external_id=f"r{n}", content=str(n)) for n in range(5)]
    rows = documents.StoredRows(uuid.uuid4(), uuid.uuid4(), batch, timezone.now())
    assert len(rows) == 5 and built == []  # nothing is built before a statement reads it
    for row in rows:
        if row[1] == "r1":
            break  # a COPY refused part-way
    assert built == ["r0", "r1"]
    assert [row[1] for row in rows] == ["r0", "r1", "r2", "r3", "r4"]
    assert rows[-1][1] == "r4" and built == ["r0", "r1", "r2", "r3", "r4"]
