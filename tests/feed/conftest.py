"""Fixtures of the change-feed tests: documents written through the engine's own write path, and
a consumer that keeps a copy of a collection by reading its feed.

Feed tests run with committed transactions (``transactional_db``): on PostgreSQL the feed only
delivers what no running transaction can still change, and a test's own open transaction would
hold it back. The frontier is the server's oldest running transaction, and the suite's other
processes run their tests on the same server: a read waits until every transaction that began
before it has ended (``what_was_committed_is_final``), so what the test committed is delivered."""

import uuid

import pytest
from django.db import connection, transaction
from django.utils import timezone

from registry.sources.base import SourceDocument
from syncs import selectors
from syncs.engine import documents
from syncs.feed import cursor as feed_cursor
from syncs.feed import stamps
from syncs.feed.reader import changes_page
from tests.api.conftest import (  # noqa: F401 (fixtures)
    admin_key,
    api,
    collection_path,
    kind_definitions,
    viewer_api,
)
from tests.servers.celery_worker import wait_until
from tests.syncs.conftest import (  # noqa: F401 (fixtures)
    celery_processes,
    make_sample_connector,
    sample_definition,
    sync_to_end,
)


def settled() -> None:
    """PostgreSQL: wait until every transaction that began before now has ended, so that what
    was committed is below the frontier."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
        begun_before = cursor.fetchone()[0]
    wait_until(
        lambda: stamps_frontier() >= begun_before,
        timeout=120,
        message=lambda: f"a transaction older than {begun_before} is still running",
    )


stamps_frontier = stamps.frontier


@pytest.fixture(autouse=True)
def what_was_committed_is_final(request, monkeypatch):
    """Every read of the feed first waits for ``settled``, except in the tests with workers,
    whose reads race the writers on purpose (they settle before their final reads)."""
    if connection.vendor != "postgresql" or request.node.get_closest_marker("worker"):
        return

    def frontier() -> int:
        settled()
        return stamps_frontier()

    monkeypatch.setattr(stamps, "frontier", frontier)


COMPARED = ("connector_id", "external_id", "title", "content_hash", "content")


def source_document(external_id: str, version: int = 1) -> SourceDocument:
    return SourceDocument(
        external_id=external_id,
        title=f"{external_id} v{version}",
        content=f"The text of {external_id}, version {version}.",
        metadata={"version": version},
    )


@pytest.fixture
def write():
    """Store documents of a connector as a sync does, in one transaction per call."""

    def write(connector, *, upsert=(), delete=(), version=1, prune_pass=False):
        now = timezone.now()
        pass_id = uuid.uuid4()
        with transaction.atomic():
            writer = documents.DocumentWriter(connector.pk)
            writer.write([source_document(e, version) for e in upsert], pass_id, now)
            writer.mark_deleted(list(delete), now)
            if prune_pass:
                writer.prune(pass_id, now)

    return write


class Consumer:
    """What a downstream system does: read pages, apply them, keep the cursor."""

    def __init__(self, collection, *, limit=100, fields=None):
        self.collection = collection
        self.limit = limit
        self.fields = fields
        self.cursor = None
        self.copy: dict[int, dict] = {}
        self.received: list = []

    def page(self):
        kwargs = {"fields": self.fields} if self.fields else {}
        page = changes_page(self.collection, self.cursor, limit=self.limit, **kwargs)
        for change in page.changes:
            self.received.append((change.op, change.document["external_id"]))
            if change.op == "upsert":
                self.copy[change.document["id"]] = change.document
            else:
                self.copy.pop(change.document["id"], None)
        # What a consumer stores: the opaque text, read back on the next call.
        self.cursor = feed_cursor.loads(page.cursor.dumps(), collection_id=self.collection.pk)
        return page

    def drain(self, max_pages=10_000) -> list:
        """Read until the feed has nothing more now; the changes received meanwhile."""
        start = len(self.received)
        for _ in range(max_pages):
            if not self.page().more:
                return self.received[start:]
        raise AssertionError("the feed never ended")

    def view(self) -> dict:
        return {pk: tuple(str(doc[f]) for f in COMPARED) for pk, doc in self.copy.items()}


def live_view(collection) -> dict:
    rows = selectors.documents_of_collection(collection).values("id", *COMPARED)
    return {row["id"]: tuple(str(row[f]) for f in COMPARED) for row in rows}


@pytest.fixture
def consumer(collection):
    return Consumer(collection)
