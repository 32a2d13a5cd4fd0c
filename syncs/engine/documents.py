"""Storing what a source read: set-based, one write group in memory at a time.

Documents are keyed by (connector, external id). A document whose content hash is unchanged is not
rewritten; it is only marked seen in the current pass. A document back in the source after it was
marked deleted counts as new again. Everything here runs inside the caller's write transaction;
the SQL itself is in ``document_store``. Every statement that inserts, rewrites, deletes or brings
back a document stamps it for the change feed (``syncs.feed.stamps``); marking one seen does not.

On a pass that began on a connector with no documents (``fresh``), new documents go straight into
the table; should the source repeat an id, that write is rolled back to a savepoint and redone as
an upsert, and the rest of the pass upserts.
"""

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import orjson
from django.db import IntegrityError, transaction

from registry.sources.base import SourceDocument
from syncs.engine import document_store as store
from syncs.models import Document

EXTERNAL_ID_MAX = Document._meta.get_field("external_id").max_length
MIME_TYPE_MAX = Document._meta.get_field("mime_type").max_length


@dataclass
class Counts:
    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed: int = 0

    def add(self, other: "Counts") -> None:
        for name in ("seen", "created", "updated", "unchanged", "deleted", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _json_default(value):
    from registry.sources.table_values import json_value

    return json_value(value)


def json_bytes(value, *, sort_keys: bool = False) -> bytes:
    """JSON of a value (dates as ISO text, decimals and other types as text)."""
    option = orjson.OPT_SORT_KEYS if sort_keys else 0
    try:
        return orjson.dumps(value, default=_json_default, option=option)
    except TypeError:  # e.g. an int beyond 64 bits or a non-string key
        import json

        return json.dumps(value, default=_json_default, sort_keys=sort_keys).encode()


def _text(value) -> str:
    # PostgreSQL text cannot hold NUL characters.
    if value.__class__ is not str:
        value = "" if value is None else str(value)
    return value.replace("\x00", "") if "\x00" in value else value


class JsonMemo:
    """JSON of values by identity: a kind's metadata object shared by many documents is encoded
    once per write."""

    def __init__(self):
        self.encoded: dict[int, tuple[object, bytes]] = {}

    def __call__(self, value) -> bytes:
        found = self.encoded.get(id(value))
        if found is None:
            found = self.encoded[id(value)] = (value, json_bytes(value, sort_keys=True))
        return found[1]


def _header_json(document: SourceDocument) -> bytes:
    header = (
        document.title,
        document.url,
        document.mime_type,
        document.source_created_at,
        document.source_updated_at,
    )
    try:
        return orjson.dumps(header, default=_json_default)
    except TypeError:
        return json_bytes(header)


def content_hash(document: SourceDocument, memo: JsonMemo, content: bytes) -> str:
    """SHA-256 over everything stored of a document, so any change at the source is an update.
    The parts are JSON texts (which never hold a NUL byte) and the content as stored (UTF-8),
    NUL-separated."""
    parts = (_header_json(document), memo(document.metadata), content)
    return hashlib.sha256(b"\x00".join(parts)).hexdigest()


def _valid_id(external_id) -> bool:
    return isinstance(external_id, str) and 0 < len(external_id) <= EXTERNAL_ID_MAX


def stored_values(document: SourceDocument, memo: JsonMemo) -> tuple:
    """What is stored of a document from the source: ``document_store.COLUMNS`` from the
    external id to ``source_updated_at``."""
    content = _text(document.content)
    encoded = content.encode()
    size = document.size
    return (
        document.external_id,
        _text(document.title),
        _text(document.url),
        _text(document.mime_type)[:MIME_TYPE_MAX],
        content,
        content_hash(document, memo, encoded),
        document.metadata or {},
        len(encoded) if size is None else size,
        document.source_created_at,
        document.source_updated_at,
    )


class StoredRows(Sequence):
    """The stored rows of documents, in ``document_store.COLUMNS`` order, built as they are
    first iterated: a ``COPY`` sends each row as soon as it is built, so the database stores
    while Python builds the next. Built rows are kept for a second write of the same rows."""

    def __init__(self, connector_id, pass_id, documents: list[SourceDocument], now):
        self.connector_id = connector_id
        self.documents = documents
        self.seen = (now, now, pass_id)  # first_seen_at, last_seen_at, last_pass_id
        self.built: list[list] = []
        self.memo = JsonMemo()

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self):
        yield from self.built
        for document in self.documents[len(self.built) :]:
            row = [self.connector_id, *stored_values(document, self.memo), *self.seen]
            self.built.append(row)
            yield row

    def __getitem__(self, index):
        if len(self.built) < len(self.documents):
            for _ in self:
                pass
        return self.built[index]


class DocumentWriter:
    """Writes one task run's documents for one connector."""

    def __init__(self, connector_id, *, fresh: bool = False):
        if not isinstance(connector_id, uuid.UUID):
            connector_id = uuid.UUID(str(connector_id))  # binary COPY sends a UUID object
        self.connector_id = connector_id
        self.fresh = fresh

    def write(self, documents: list[SourceDocument], pass_id, now) -> tuple[Counts, list]:
        """Store a group of documents (the last copy of an id wins). Returns the counts and the
        external ids that could not be stored."""
        counts, rejected = Counts(), []
        if not documents:
            return counts, rejected
        pass_id = pass_id if isinstance(pass_id, uuid.UUID) else uuid.UUID(str(pass_id))
        latest: dict[str, SourceDocument] = {}
        for document in documents:
            if _valid_id(document.external_id):
                latest[document.external_id] = document
            else:
                rejected.append(document.external_id)
        kept = [e for e, d in latest.items() if d.unchanged]
        rows = StoredRows(
            self.connector_id, pass_id, [d for d in latest.values() if not d.unchanged], now
        )
        if self.fresh and not kept and self._insert_new(rows):
            counts.created = len(rows)
        else:
            unchanged_ids = self._upsert(rows, counts, now)
            kept += unchanged_ids
        if kept:
            missing, deleted = store.touch(self.connector_id, kept, pass_id, now)
            rejected += missing  # the source called unchanged what was never stored
            store.restore(self.connector_id, deleted, now)
            counts.created += len(deleted)
            counts.unchanged += len(kept) - len(missing) - len(deleted)
        counts.failed = len(rejected)
        counts.seen = counts.created + counts.updated + counts.unchanged
        return counts, rejected

    def _insert_new(self, rows: StoredRows) -> bool:
        """True when every row went in as new; False (nothing written) on a repeated id."""
        try:
            with transaction.atomic():
                store.insert_new(rows)
            return True
        except IntegrityError:
            self.fresh = False
            return False

    def _upsert(self, rows: StoredRows, counts: Counts, now) -> list[str]:
        """Write the rows; count them; return the ids of those stored unchanged."""
        written = store.upsert(rows)
        restored = []
        for external_id, created, was_deleted in written:
            if created:
                counts.created += 1
            elif was_deleted:
                restored.append(external_id)
            else:
                counts.updated += 1
        store.restore(self.connector_id, restored, now)
        counts.created += len(restored)
        if len(written) == len(rows):
            return []
        done = {external_id for external_id, _, _ in written}
        return [row[1] for row in rows if row[1] not in done]

    def mark_deleted(self, external_ids: list, now) -> int:
        """Soft-delete documents the source reported deleted."""
        ids = list(dict.fromkeys(e for e in external_ids if _valid_id(e)))
        return store.soft_delete(self.connector_id, ids, now)

    def prune(self, pass_id, now) -> int:
        """Soft-delete the connector's documents not seen in a completed pass."""
        return store.prune(self.connector_id, pass_id, now)


def has_documents(connector_id) -> bool:
    """Whether the connector has any document, live or deleted."""
    return Document.objects.filter(connector_id=connector_id).order_by().exists()
