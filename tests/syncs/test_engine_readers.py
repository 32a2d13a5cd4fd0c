"""The reader contract as the engine honours it: incremental readers, deletions reported by the
source, documents the source calls unchanged, and documents that cannot be stored."""

import pytest

from connectors.models import Connector
from connectors.sources.base import Batch, Source, SourceDocument
from syncs.models import Document, SyncStatus

pytestmark = pytest.mark.database


class ChangeFeed(Source):
    """An incremental source: ``items`` are ``[id, sequence, text]``; the cursor is the highest
    sequence read, and a read returns only what changed after it."""

    incremental = True

    def read(self, cursor):
        after = (cursor or {}).get("sequence", 0)
        changed = sorted((i for i in self.config["items"] if i[1] > after), key=lambda i: i[1])
        for start in range(0, len(changed), 2):
            chunk = changed[start : start + 2]
            yield Batch(
                documents=[SourceDocument(external_id=i[0], content=i[2]) for i in chunk],
                cursor={"sequence": chunk[-1][1]},
            )


def _set_items(connector, items):
    Connector.objects.filter(pk=connector.pk).update(config={"items": items})
    connector.refresh_from_db()


def _live(connector) -> dict[str, str]:
    return dict(
        Document.objects.filter(connector=connector, deleted_at__isnull=True).values_list(
            "external_id", "content"
        )
    )


def test_incremental_syncs_read_changes_and_prune_only_when_full(scripted_connector, sync_to_end):
    connector = scripted_connector(ChangeFeed, items=[["a", 1, "A"], ["b", 2, "B"], ["c", 3, "C"]])
    first = sync_to_end(connector)
    assert (first.documents_created, first.progress_total) == (3, None)
    connector.refresh_from_db()
    assert connector.cursor == {"reader": {"sequence": 3}}  # kept for the next sync

    _set_items(connector, [["a", 1, "A"], ["c", 4, "C2"], ["d", 5, "D"]])  # b gone, c changed
    incremental = sync_to_end(connector)
    assert (incremental.documents_seen, incremental.documents_updated) == (2, 1)
    assert incremental.documents_created == 1
    assert incremental.documents_deleted == 0
    assert _live(connector) == {"a": "A", "b": "B", "c": "C2", "d": "D"}

    full = sync_to_end(connector, full=True)
    assert (full.documents_seen, full.documents_unchanged, full.documents_deleted) == (3, 3, 1)
    assert _live(connector) == {"a": "A", "c": "C2", "d": "D"}
    connector.refresh_from_db()
    assert connector.cursor == {"reader": {"sequence": 5}}


class Deletions(Source):
    def read(self, cursor):
        yield Batch(documents=[SourceDocument(external_id=x, content=x) for x in "pqrs"])
        yield Batch(documents=[], deleted_external_ids=["q", "s", "never-stored"])


def test_deletions_reported_by_the_source_are_soft_deletes(scripted_connector, sync_to_end):
    connector = scripted_connector(Deletions)
    sync = sync_to_end(connector)
    assert (sync.documents_created, sync.documents_deleted) == (4, 2)
    assert set(_live(connector)) == {"p", "r"}
    assert Document.objects.filter(connector=connector, deleted_at__isnull=False).count() == 2


class ConfirmsUnchanged(Source):
    def read(self, cursor):
        if not self.config.get("items"):
            yield Batch(documents=[SourceDocument(external_id="kept", content="original text")])
            return
        yield Batch(
            documents=[
                SourceDocument(external_id="kept", unchanged=True),
                SourceDocument(external_id="unknown", unchanged=True),
            ]
        )


def test_a_document_the_source_calls_unchanged_keeps_its_stored_content(
    scripted_connector, sync_to_end
):
    connector = scripted_connector(ConfirmsUnchanged)
    sync_to_end(connector)
    _set_items(connector, ["second read"])

    second = sync_to_end(connector)

    assert (second.documents_unchanged, second.documents_failed, second.documents_created) == (
        1,
        1,
        0,
    )
    kept = Document.objects.get(connector=connector, external_id="kept")
    assert kept.content == "original text"
    assert str(kept.last_pass_id) == second.checkpoint["pass"]
    assert second.documents_deleted == 0  # seen in the pass, so not pruned
    assert any("not stored" in line.message for line in second.log_lines.all())


class Awkward(Source):
    def read(self, cursor):
        yield Batch(
            documents=[
                SourceDocument(external_id="", content="no id"),
                SourceDocument(external_id="x" * 2000, content="id too long"),
                SourceDocument(external_id="nul", title="a\x00b", content="c\x00d"),
                SourceDocument(external_id="twice", content="first copy"),
                SourceDocument(external_id="twice", content="second copy"),
                SourceDocument(
                    external_id="typed", mime_type="text/" + "x" * 400, metadata={"n": 1}
                ),
            ]
        )


def test_documents_that_cannot_be_stored_are_counted_not_fatal(scripted_connector, sync_to_end):
    connector = scripted_connector(Awkward)
    sync = sync_to_end(connector)
    assert sync.status == SyncStatus.SUCCEEDED
    assert (sync.documents_created, sync.documents_failed) == (3, 2)
    stored = Document.objects.filter(connector=connector)
    assert stored.get(external_id="nul").content == "cd"
    assert stored.get(external_id="nul").title == "ab"
    assert stored.get(external_id="twice").content == "second copy"
    assert len(stored.get(external_id="typed").mime_type) == 200
