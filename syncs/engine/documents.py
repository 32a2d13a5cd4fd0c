"""Writing a batch of source documents: set-based, one batch in memory at a time.

Documents are keyed by (connector, external id). A document whose content hash is unchanged is not
rewritten; it is only marked seen in the current pass. Called inside the batch's transaction.
Every statement that inserts, rewrites, deletes or brings back a document stamps it for the
change feed (``syncs.feed.stamps``); marking a document seen does not.

New and changed documents are written with one INSERT ... ON CONFLICT DO UPDATE. On PostgreSQL
the rows first travel by COPY into a temporary table (a third of the time of a 1,000-row
parameterised INSERT, see ``bench/sync_postgres.py``); SQLite gets Django's ``bulk_create``.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from connectors.sources.base import SourceDocument
from syncs.feed import stamps
from syncs.models import Document

IN_CHUNK = 500  # bound on parameters per IN (...) list
EXTERNAL_ID_MAX = Document._meta.get_field("external_id").max_length
MIME_TYPE_MAX = Document._meta.get_field("mime_type").max_length
UPSERT_FIELDS = [
    "title",
    "url",
    "mime_type",
    "content",
    "content_hash",
    "metadata",
    "size",
    "source_created_at",
    "source_updated_at",
    "last_seen_at",
    "last_pass_id",
    "deleted_at",
]
# Every column of a written row, in the order ``upsert`` builds them.
COLUMNS = ["connector_id", "external_id", *UPSERT_FIELDS, "first_seen_at"]
_METADATA = COLUMNS.index("metadata")


@dataclass
class Counts:
    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    failed: int = 0


def _text(value) -> str:
    # PostgreSQL text cannot hold NUL characters.
    return str(value or "").replace("\x00", "")


def content_hash(document: SourceDocument) -> str:
    """SHA-256 over everything stored of a document, so any change at the source is an update."""
    payload = json.dumps(
        [
            document.title,
            document.url,
            document.mime_type,
            document.metadata,
            document.source_created_at,
            document.source_updated_at,
        ],
        sort_keys=True,
        default=str,
    )
    digest = hashlib.sha256(payload.encode())
    digest.update(b"\x00")
    digest.update(_text(document.content).encode())
    return digest.hexdigest()


def _chunks(items: list, size: int = IN_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored(connector_id, external_ids: list[str]) -> dict[str, tuple[str, bool]]:
    """external id -> (content hash, soft-deleted) of the ones already stored."""
    if connection.vendor == "postgresql":
        return _stored_by_array(connector_id, external_ids)
    stored = {}
    for chunk in _chunks(external_ids):
        # No ORDER BY: sorting by id would make SQLite walk every document of the connector
        # instead of looking each id up in the (connector, external_id) index.
        rows = (
            Document.objects.filter(connector_id=connector_id, external_id__in=chunk)
            .order_by()
            .values_list("external_id", "content_hash", "deleted_at")
        )
        for external_id, digest, deleted_at in rows:
            stored[external_id] = (digest, deleted_at is not None)
    return stored


# On PostgreSQL a batch's ids travel as one array (``= ANY(%s)``), which it plans several times
# faster than chunks of IN lists.
_STORED_BY_ARRAY = (
    "SELECT external_id, content_hash, deleted_at IS NOT NULL FROM syncs_document "
    "WHERE connector_id = %s AND external_id = ANY(%s)"
)
_SEEN_BY_ARRAY = (
    "UPDATE syncs_document SET last_seen_at = %s, last_pass_id = %s, deleted_at = NULL, {stamps} "
    "WHERE connector_id = %s AND external_id = ANY(%s)"
)
_RESTORED = "deleted_at IS NOT NULL"  # marking seen brings these back: a change of the feed


def _stored_by_array(connector_id, external_ids: list[str]) -> dict[str, tuple[str, bool]]:
    with connection.cursor() as cursor:
        cursor.execute(_STORED_BY_ARRAY, [connector_id, external_ids])
        return {external_id: (digest, deleted) for external_id, digest, deleted in cursor}


def _mark_seen(connector_id, external_ids: list[str], pass_id, now) -> None:
    """Documents the source still has, unchanged: seen in this pass (and no longer deleted)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            statement = _SEEN_BY_ARRAY.format(stamps=stamps.assignments(only_if=_RESTORED))
            cursor.execute(statement, [now, pass_id, connector_id, external_ids])
        return
    for chunk in _chunks(external_ids):
        Document.objects.filter(connector_id=connector_id, external_id__in=chunk).update(
            last_seen_at=now,
            last_pass_id=pass_id,
            deleted_at=None,
            **stamps.expressions(only_if=Q(deleted_at__isnull=False)),
        )


def upsert(connector_id, pass_id, documents: list[SourceDocument], now) -> tuple[Counts, list]:
    """Store a batch. Returns the counts and the external ids that could not be stored."""
    counts = Counts()
    rejected = []
    latest: dict[str, SourceDocument] = {}
    for document in documents:
        external_id = document.external_id
        if (
            not isinstance(external_id, str)
            or not external_id
            or len(external_id) > EXTERNAL_ID_MAX
        ):
            rejected.append(external_id)
            continue
        latest[external_id] = document  # the last copy of an id within a batch wins
    stored = _stored(connector_id, list(latest))

    # A document back in the source after it was marked deleted counts as new again.
    rows, kept, restored = [], [], 0
    for external_id, document in latest.items():
        previous = stored.get(external_id)
        if document.unchanged:
            if previous is None:
                rejected.append(external_id)  # nothing stored to keep
            else:
                kept.append(external_id)
                restored += previous[1]
            continue
        digest = content_hash(document)
        if previous is not None and previous[0] == digest:
            kept.append(external_id)
            restored += previous[1]
            continue
        content = _text(document.content)
        rows.append(
            [
                connector_id,
                external_id,
                _text(document.title),
                _text(document.url),
                _text(document.mime_type)[:MIME_TYPE_MAX],
                content,
                digest,
                document.metadata or {},
                document.size if document.size is not None else len(content.encode()),
                document.source_created_at,
                document.source_updated_at,
                now,
                pass_id,
                None,
                now,
            ]
        )
        if previous is None or previous[1]:
            counts.created += 1
        else:
            counts.updated += 1
    if rows:
        _write(rows)
    if kept:
        _mark_seen(connector_id, kept, pass_id, now)
    counts.created += restored
    counts.unchanged = len(kept) - restored
    counts.failed = len(rejected)
    counts.seen = counts.created + counts.updated + counts.unchanged
    return counts, rejected


def _write(rows: list[list]) -> None:
    """Insert the rows (``COLUMNS``), or update the stored document of the same connector and
    external id (its ``first_seen_at`` stays)."""
    if connection.vendor == "postgresql":
        _write_through_copy(rows)
        return
    stamped = stamps.expressions()
    Document.objects.bulk_create(
        [Document(**dict(zip(COLUMNS, row, strict=True)), **stamped) for row in rows],
        update_conflicts=True,
        unique_fields=["connector", "external_id"],
        update_fields=[*UPSERT_FIELDS, *stamps.COLUMNS],
    )


_COLUMN_LIST = ", ".join(COLUMNS)
_COPY_STATEMENTS = (
    "CREATE TEMPORARY TABLE syncs_document_batch ON COMMIT DROP AS "
    f"SELECT {_COLUMN_LIST} FROM syncs_document WITH NO DATA",
    f"COPY syncs_document_batch ({_COLUMN_LIST}) FROM STDIN",
    f"INSERT INTO syncs_document ({_COLUMN_LIST}) SELECT {_COLUMN_LIST} "
    "FROM syncs_document_batch ON CONFLICT (connector_id, external_id) DO UPDATE SET "
    + ", ".join(f"{field} = EXCLUDED.{field}" for field in UPSERT_FIELDS),
    "DROP TABLE syncs_document_batch",
)


def _write_through_copy(rows: list[list]) -> None:
    create, copy_in, insert, drop = _COPY_STATEMENTS
    insert = f"{insert}, {stamps.assignments()}"  # inserted rows take the column defaults
    encoder = Document._meta.get_field("metadata").encoder
    with connection.cursor() as cursor:
        cursor.execute(create)
        with cursor.cursor.copy(copy_in) as copy:
            for row in rows:
                row[_METADATA] = json.dumps(row[_METADATA], cls=encoder)
                copy.write_row(row)
        cursor.execute(insert)
        cursor.execute(drop)


def mark_deleted(connector_id, external_ids: list[str], now) -> int:
    """Soft-delete documents the source reported deleted."""
    deleted = 0
    for chunk in _chunks([e for e in external_ids if isinstance(e, str)]):
        deleted += Document.objects.filter(
            connector_id=connector_id, external_id__in=chunk, deleted_at__isnull=True
        ).update(deleted_at=now, **stamps.expressions())
    return deleted


def prune(connector_id, pass_id, now) -> int:
    """Soft-delete the connector's documents not seen in a completed pass."""
    return (
        Document.objects.filter(connector_id=connector_id, deleted_at__isnull=True)
        .filter(~Q(last_pass_id=pass_id) | Q(last_pass_id__isnull=True))
        .update(deleted_at=now, **stamps.expressions())
    )
