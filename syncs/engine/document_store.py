"""Every statement of the engine that writes ``syncs_document``, for PostgreSQL and SQLite.

Rows arrive as lists in ``COLUMNS`` order (``documents.py`` builds them). Each statement reaches
the rows it writes through the unique index on (connector_id, external_id) or the primary key,
so no plan depends on the table's statistics:

- ``insert_new``: a pass over a connector that had no documents writes straight into the table
  (PostgreSQL: binary ``COPY``); a duplicate id raises ``IntegrityError``.
- ``upsert``: ``INSERT ... ON CONFLICT (connector_id, external_id) DO UPDATE ... WHERE`` the hash
  differs (or the stored copy was deleted), ``RETURNING`` what was created, updated or restored.
- ``touch``: documents the source still has, unchanged: seen in this pass.
- ``restore``, ``soft_delete``, ``prune``, ``soft_delete_unlisted``: ``deleted_at`` set or cleared.

Every insert, update, restore and soft-delete also sets the change feed's stamp columns
(``syncs.feed.stamps``: each call of ``stamps.sql()`` is one statement's stamp). A ``COPY``
leaves them to their database defaults, which stamp the same way on PostgreSQL.
"""

import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

from django.db import IntegrityError, connection

from syncs.feed import stamps
from syncs.models import Document

TABLE = Document._meta.db_table
# Written from the source; an update rewrites them.
CONTENT_COLUMNS = [
    "title",
    "url",
    "mime_type",
    "content",
    "content_hash",
    "metadata",
    "size",
    "source_created_at",
    "source_updated_at",
]
# Every column of a written row, in order.
COLUMNS = [
    "connector_id",
    "external_id",
    *CONTENT_COLUMNS,
    "first_seen_at",
    "last_seen_at",
    "last_pass_id",
]
PG_TYPES = [
    "uuid",
    "text",
    "text",
    "text",
    "text",
    "text",
    "text",
    "jsonb",
    "int8",
    "timestamptz",
    "timestamptz",
    "timestamptz",
    "timestamptz",
    "uuid",
]


def _stamp_columns() -> list[str]:
    return list(stamps.COLUMNS)


def _stamp_values() -> list[str]:
    return list(stamps.sql().values())


def _stamp_set() -> str:
    return ", " + stamps.assignments()


def _postgres() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def _raw_cursor():
    """psycopg's own cursor (server-side parameter binding, binary COPY); its errors become
    Django's (``IntegrityError`` and the rest)."""
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        yield cursor


# -- PostgreSQL ---------------------------------------------------------------------------------


def _json_bytes(value) -> bytes:
    from syncs.engine.documents import json_bytes

    return json_bytes(value)


# In binary COPY a jsonb value is a version byte and the JSON text: sent as bytes.
_METADATA = COLUMNS.index("metadata")
COPY_TYPES = [("bytea" if t == "jsonb" else t) for t in PG_TYPES]
# Where rows wait for an upsert: one temporary table per database session, emptied at commit.
INCOMING = "syncs_document_incoming"


def _columns_list(columns: list[str]) -> str:
    return ", ".join([*columns, *_stamp_columns()])


def _pg_copy(cursor, table: str, rows: list[list]) -> None:
    encoded: dict[int, bytes] = {}
    with cursor.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(COPY_TYPES)
        for row in rows:
            metadata = row[_METADATA]
            value = encoded.get(id(metadata))
            if value is None:
                value = encoded[id(metadata)] = b"\x01" + _json_bytes(metadata)
            copy.write_row([*row[:_METADATA], value, *row[_METADATA + 1 :]])


def _pg_incoming(cursor, rows: list[list] | None = None, external_ids=None) -> None:
    """Fill the session's incoming table with rows, or with ids alone."""
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {INCOMING} ON COMMIT DELETE ROWS AS "
        f"SELECT {', '.join(COLUMNS)} FROM {TABLE} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {INCOMING}")
    if rows is not None:
        _pg_copy(cursor, INCOMING, rows)
        return
    with cursor.copy(f"COPY {INCOMING} (external_id) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["text"])
        for external_id in external_ids:
            copy.write_row((external_id,))


def _pg_copy_new(rows: list[list]) -> None:
    with _raw_cursor() as cursor:
        _pg_copy(cursor, TABLE, rows)


def _pg_upsert(rows: list[list]) -> list[tuple]:
    """(external id, created, was deleted) of every row inserted or rewritten."""
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}" for c in [*CONTENT_COLUMNS, "last_seen_at", "last_pass_id"]
    )
    select = ", ".join([*COLUMNS, *_stamp_values()])
    with _raw_cursor() as cursor:
        _pg_incoming(cursor, rows)
        cursor.execute(
            f"INSERT INTO {TABLE} AS d ({_columns_list(COLUMNS)}) SELECT {select} FROM {INCOMING} "
            f"ON CONFLICT (connector_id, external_id) DO UPDATE SET {updates}{_stamp_set()} "
            "WHERE d.content_hash <> EXCLUDED.content_hash OR d.deleted_at IS NOT NULL "
            "RETURNING d.external_id, d.xmax = 0, d.deleted_at IS NOT NULL"
        )
        return cursor.fetchall()


# A keyed write of rows known to exist: an INSERT whose every row conflicts. The inserted side is
# only a placeholder (never kept: ``touch`` removes any it created).
_PLACEHOLDER = (
    "SELECT %b::uuid, k.external_id, '', '', '', '', '', '{{}}'::jsonb, 0, NULL::timestamptz, "
    "NULL::timestamptz, %b::timestamptz, %b::timestamptz, %b::uuid{stamps} "
    f"FROM {INCOMING} AS k"
)


def _pg_keyed(external_ids, connector_id, now, pass_id, set_clause, returning) -> list[tuple]:
    stamps = "".join(f", {v}" for v in _stamp_values())
    statement = (
        f"INSERT INTO {TABLE} AS d ({_columns_list(COLUMNS)}) "
        + _PLACEHOLDER.format(stamps=stamps)
        + f" ON CONFLICT (connector_id, external_id) DO UPDATE SET {set_clause} "
        f"RETURNING {returning}"
    )
    with _raw_cursor() as cursor:
        _pg_incoming(cursor, external_ids=external_ids)
        cursor.execute(statement, [connector_id, now, now, pass_id])
        return cursor.fetchall()


# -- SQLite -------------------------------------------------------------------------------------


def _sqlite_insert_statement(conflict: str = "") -> str:
    marks = ", ".join(["%s"] * len(COLUMNS) + _stamp_values())
    return f"INSERT INTO {TABLE} ({_columns_list(COLUMNS)}) VALUES ({marks}){conflict}"


def _sqlite_uuid(value) -> str | None:
    if value is None:
        return None
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "")


def _sqlite_moment(value, adapted: dict) -> str | None:
    """A datetime as Django stores it on SQLite: naive UTC text (each object adapted once)."""
    if value is None:
        return None
    text = adapted.get(id(value))
    if text is None:
        if isinstance(value, datetime) and value.tzinfo is not None:
            text = value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        else:
            text = connection.ops.adapt_datetimefield_value(value)
        adapted[id(value)] = text
    return text


def _sqlite_adapt(rows: list[list]) -> list[tuple]:
    """Rows as Django stores them on SQLite (uuids as hex, datetimes as text, JSON as text)."""
    adapted = []
    encoded: dict[int, str] = {}
    moments: dict[int, str] = {}
    for row in rows:  # the rows keep every object alive, so ids stay unique meanwhile
        (connector, external_id, title, url, mime, content, digest, metadata, size) = row[:9]
        json_text = encoded.get(id(metadata))
        if json_text is None:
            json_text = encoded[id(metadata)] = _json_bytes(metadata).decode()
        adapted.append(
            (
                _sqlite_uuid(connector),
                external_id,
                title,
                url,
                mime,
                content,
                digest,
                json_text,
                size,
                *(_sqlite_moment(value, moments) for value in row[9:13]),
                _sqlite_uuid(row[13]),
            )
        )
    return adapted


def _sqlite_stored(connector_id, external_ids: list[str]) -> dict[str, tuple[str, bool]]:
    """external id -> (content hash, soft-deleted), through the unique index."""
    stored = {}
    key = connector_id.hex if hasattr(connector_id, "hex") else connector_id
    with connection.cursor() as cursor:
        for start in range(0, len(external_ids), 500):
            chunk = external_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT external_id, content_hash, deleted_at IS NOT NULL FROM {TABLE} "
                f"WHERE connector_id = %s AND external_id IN ({marks})",
                [key, *chunk],
            )
            for external_id, digest, deleted in cursor.fetchall():
                stored[external_id] = (digest, bool(deleted))
    return stored


# -- the operations -----------------------------------------------------------------------------


def insert_new(rows: list[list]) -> None:
    """Rows of documents the connector does not have; ``IntegrityError`` on a duplicate."""
    if not rows:
        return
    if _postgres():
        _pg_copy_new(rows)
        return
    with connection.cursor() as cursor:
        cursor.executemany(_sqlite_insert_statement(), _sqlite_adapt(rows))


def upsert(rows: list[list]) -> list[tuple]:
    """Insert new rows and rewrite stored ones whose hash differs or that were deleted (their
    ``deleted_at`` is left for ``restore``). Returns (external id, created, was deleted) of each
    row written; a row not returned was stored unchanged and is left as it was."""
    if not rows:
        return []
    if _postgres():
        return _pg_upsert(rows)
    connector_id = rows[0][0]
    stored = _sqlite_stored(connector_id, [row[1] for row in rows])
    written, new, changed = [], [], []
    for row in rows:
        previous = stored.get(row[1])
        if previous is None:
            new.append(row)
            written.append((row[1], True, False))
        elif previous[0] != row[6] or previous[1]:
            changed.append(row)
            written.append((row[1], False, previous[1]))
    updates = ", ".join(
        f"{c} = excluded.{c}" for c in [*CONTENT_COLUMNS, "last_seen_at", "last_pass_id"]
    )
    with connection.cursor() as cursor:
        if new:
            cursor.executemany(_sqlite_insert_statement(), _sqlite_adapt(new))
        if changed:
            statement = _sqlite_insert_statement(
                f" ON CONFLICT (connector_id, external_id) DO UPDATE SET {updates}{_stamp_set()}"
            )
            cursor.executemany(statement, _sqlite_adapt(changed))
    return written


def touch(connector_id, external_ids: list[str], pass_id, now) -> tuple[list[str], list[str]]:
    """Mark stored documents seen in this pass. Returns (missing, deleted): ids with no stored
    document (left untouched) and ids whose stored document is soft-deleted (seen, still
    deleted: ``restore`` them)."""
    if not external_ids:
        return [], []
    if not _postgres():
        stored = _sqlite_stored(connector_id, external_ids)
        missing = [e for e in external_ids if e not in stored]
        deleted = [e for e in external_ids if stored.get(e, ("", False))[1]]
        present = [e for e in external_ids if e in stored]
        key = connector_id.hex if hasattr(connector_id, "hex") else connector_id
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {TABLE} SET last_seen_at = %s, last_pass_id = %s "
                "WHERE connector_id = %s AND external_id = %s",
                [
                    [
                        connection.ops.adapt_datetimefield_value(now),
                        getattr(pass_id, "hex", str(pass_id).replace("-", "")),
                        key,
                        e,
                    ]
                    for e in present
                ],
            )
        return missing, deleted
    returned = _pg_keyed(
        external_ids,
        connector_id,
        now,
        pass_id,
        "last_seen_at = EXCLUDED.last_seen_at, last_pass_id = EXCLUDED.last_pass_id",
        "d.id, d.external_id, d.xmax = 0, d.deleted_at IS NOT NULL",
    )
    placeholders = [(pk, e) for pk, e, inserted, _ in returned if inserted]
    if placeholders:
        with _raw_cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {TABLE} WHERE id = %s", [[pk] for pk, _ in placeholders]
            )
    deleted = [e for _, e, inserted, was_deleted in returned if was_deleted and not inserted]
    return [e for _, e in placeholders], deleted


def restore(connector_id, external_ids: list[str], now) -> None:
    """Clear ``deleted_at`` of stored documents back in the source."""
    if not external_ids:
        return
    if _postgres():
        _pg_keyed(external_ids, connector_id, now, None, "deleted_at = NULL" + _stamp_set(), "d.id")
        return
    key = connector_id.hex if hasattr(connector_id, "hex") else connector_id
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {TABLE} SET deleted_at = NULL{_stamp_set()} "
            "WHERE connector_id = %s AND external_id = %s",
            [[key, e] for e in external_ids],
        )


def soft_delete(connector_id, external_ids: list[str], now) -> int:
    """Soft-delete the connector's live documents with these ids; one keyed statement per id."""
    if not external_ids:
        return 0
    key = connector_id if _postgres() else getattr(connector_id, "hex", connector_id)
    moment = now if _postgres() else connection.ops.adapt_datetimefield_value(now)
    statement = (
        f"UPDATE {TABLE} SET deleted_at = %s{_stamp_set()} "
        "WHERE connector_id = %s AND external_id = %s AND deleted_at IS NULL"
    )
    deleted = 0
    with connection.cursor() as cursor:
        for external_id in external_ids:
            cursor.execute(statement, [moment, key, external_id])
            deleted += cursor.rowcount
    return deleted


def prune(connector_id, pass_id, now) -> int:
    """Soft-delete the connector's live documents not seen in the pass ``pass_id``."""
    key = connector_id if _postgres() else getattr(connector_id, "hex", connector_id)
    moment = now if _postgres() else connection.ops.adapt_datetimefield_value(now)
    pass_key = pass_id if _postgres() else str(pass_id).replace("-", "")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET deleted_at = %s{_stamp_set()} WHERE connector_id = %s "
            "AND deleted_at IS NULL AND (last_pass_id IS NULL OR last_pass_id <> %s)",
            [moment, key, pass_key],
        )
        return cursor.rowcount


def soft_delete_unlisted(connector_id, pass_id, listed_table: str, now) -> int:
    """Soft-delete the connector's live documents that the source's listing of this pass did not
    name and that this pass did not see either (an anti-join with ``listed_table``)."""
    key = connector_id if _postgres() else getattr(connector_id, "hex", connector_id)
    moment = now if _postgres() else connection.ops.adapt_datetimefield_value(now)
    pass_key = pass_id if _postgres() else str(pass_id).replace("-", "")
    with connection.cursor() as cursor:
        if _postgres():
            # A hash (or merge) anti-join reads each side once. Statistics taken while the
            # listing was empty make the planner pick a nested loop, quadratic at this size.
            cursor.execute("SELECT set_config('enable_nestloop', 'off', true)")
        cursor.execute(
            f"UPDATE {TABLE} AS d SET deleted_at = %s{_stamp_set()} WHERE d.connector_id = %s "
            "AND d.deleted_at IS NULL AND (d.last_pass_id IS NULL OR d.last_pass_id <> %s) "
            f"AND NOT EXISTS (SELECT 1 FROM {listed_table} AS k WHERE k.connector_id = %s "
            "AND k.pass_id = %s AND k.external_id = d.external_id)",
            [moment, key, pass_key, key, pass_key],
        )
        deleted = cursor.rowcount
        if _postgres():
            cursor.execute("SELECT set_config('enable_nestloop', 'on', true)")
        return deleted


__all__ = [
    "COLUMNS",
    "IntegrityError",
    "insert_new",
    "prune",
    "restore",
    "soft_delete",
    "soft_delete_unlisted",
    "touch",
    "upsert",
]
