"""The reader contract as the engine honours it: incremental readers, deletions reported by the
source, documents the source calls unchanged, and documents that cannot be stored."""

import pytest

from connectors.models import Connector
from registry.sources.base import Batch, Source, SourceDocument
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


class TokenExpires(Source):
    """An incremental source that, on its second read, finds its change token expired: it says
    so and lists everything again. ``items`` are the ids at the source."""

    incremental = True

    def read(self, cursor):
        items = self.config["items"]
        if cursor is None:
            yield Batch([SourceDocument(external_id=i, content=i) for i in items], {"token": 1})
            return
        yield Batch([], {"token": 1, "listing": True}, starts_full_pass=True)
        for item in items:
            yield Batch([SourceDocument(external_id=item, content=item)], {"token": 2})


def test_a_full_listing_the_source_starts_mid_read_prunes_at_its_end(
    scripted_connector, sync_to_end
):
    connector = scripted_connector(TokenExpires, items=["a", "b", "c"])
    sync_to_end(connector)
    _set_items(connector, ["a", "c"])  # b deleted while the change token was lost

    second = sync_to_end(connector)

    assert second.status == SyncStatus.SUCCEEDED
    assert (second.documents_unchanged, second.documents_deleted) == (2, 1)
    assert set(_live(connector)) == {"a", "c"}
    assert second.progress_done == 2  # counted from where the new pass started
    assert any("listed in full again" in line.message for line in second.log_lines.all())
    connector.refresh_from_db()
    assert connector.cursor == {"reader": {"token": 2}}  # incremental again next time


class EditedMidway(Source):
    """Its connector's config is edited while its second batch is read."""

    edit = staticmethod(lambda: None)

    def read(self, cursor):
        start = (cursor or {}).get("next", 0)
        for n in range(start, 5):
            if n == 1:
                EditedMidway.edit()
            yield Batch([SourceDocument(external_id=f"d{n}", content=str(n))], {"next": n + 1})


def test_editing_the_config_mid_sync_abandons_the_pass_and_the_next_starts_afresh(
    scripted_connector, sync_to_end, owner
):
    from connectors import services

    connector = scripted_connector(EditedMidway, items=["first"])
    EditedMidway.edit = staticmethod(
        lambda: services.connector_update(
            actor=owner, connector=connector, config={"items": ["second"]}
        )
    )
    try:
        sync = sync_to_end(connector)
    finally:
        EditedMidway.edit = staticmethod(lambda: None)

    assert sync.status == SyncStatus.CANCELLED
    assert "configuration changed" in sync.error_message
    assert sync.documents_created == 1  # the batch read under the old config was not stored
    assert set(_live(connector)) == {"d0"}
    connector.refresh_from_db()
    assert connector.cursor is None
    Connector.objects.filter(pk=connector.pk).update(state="running", check_token=None)

    again = sync_to_end(connector)
    assert again.status == SyncStatus.SUCCEEDED
    assert again.progress_done == 5  # read from the start, not from d1
    assert again.documents_deleted == 0


def test_a_handed_on_sync_whose_cursor_was_reset_stops(scripted_connector, owner, settings):
    from connectors import services
    from syncs import engine
    from syncs import services as sync_services
    from syncs.models import SyncTrigger

    settings.CONNECTOR_HUB_SYNC_MAX_BATCHES = 2
    connector = scripted_connector(EditedMidway, items=["first"])
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    engine.run(sync.pk)  # two batches, then handed on
    sync.refresh_from_db()
    assert (sync.status, sync.progress_done) == (SyncStatus.RUNNING, 2)

    services.connector_update(actor=owner, connector=connector, config={"items": ["second"]})
    engine.run(sync.pk)

    sync.refresh_from_db()
    assert sync.status == SyncStatus.CANCELLED
    assert "configuration changed" in sync.error_message
    assert Document.objects.filter(connector=connector).count() == 2
    connector.refresh_from_db()
    assert connector.cursor is None
