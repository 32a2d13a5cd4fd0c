"""The document writes PostgreSQL does its own way: binary ``COPY`` straight into the table or
into a session's temporary table, and keyed ``INSERT ... ON CONFLICT`` statements over it."""

from contextlib import contextmanager

from django.db import connection
from psycopg.types.string import BytesBinaryDumper

from syncs.engine.document_store.layout import (
    COLUMNS,
    PG_TYPES,
    REWRITTEN,
    TABLE,
    columns_list,
    json_bytes,
    stamp_set,
    stamp_values,
)

# Binary COPY takes a value already in its column's binary form as bytes: the metadata's jsonb (a
# version byte and the JSON text) and the uuids (their 16 bytes) go in so, through psycopg's C
# bytes dumper; its own dumpers for these two types run in Python, once per value.
COPY_TYPES = [("bytea" if t in ("jsonb", "uuid") else t) for t in PG_TYPES]
STAMP_TYPES = ["int8", "timestamptz"]  # the types of ``stamps.COLUMNS``
_CONNECTOR, _METADATA, _PASS = (
    COLUMNS.index(c) for c in ("connector_id", "metadata", "last_pass_id")
)


def _uuid_bytes(value) -> bytes | None:
    return None if value is None else value.bytes


def _jsonb_bytes(value) -> bytes:
    return b"\x01" + json_bytes(value)


# Where rows wait for an upsert: one temporary table per database session, emptied at commit.
INCOMING = "syncs_document_incoming"


@contextmanager
def _raw_cursor():
    """psycopg's own cursor (server-side parameter binding, binary COPY); its errors become
    Django's (``IntegrityError`` and the rest)."""
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        yield cursor


def _copy(cursor, table: str, rows, stamps: tuple = ()) -> None:
    """Binary COPY of rows; ``stamps`` (the values of ``layout.stamp_values()``) end every row
    when given."""
    cursor.adapters.register_dumper(None, BytesBinaryDumper)  # for the bytea of COPY_TYPES
    encoded: dict[int, bytes | None] = {}  # each object once: most are shared by every row

    def binary(value, as_bytes):
        found = encoded.get(id(value))
        if found is None:
            found = encoded[id(value)] = as_bytes(value)
        return found

    columns = columns_list(COLUMNS) if stamps else ", ".join(COLUMNS)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(COPY_TYPES + STAMP_TYPES if stamps else COPY_TYPES)
        for row in rows:
            row = [*row, *stamps]
            row[_CONNECTOR] = binary(row[_CONNECTOR], _uuid_bytes)
            row[_METADATA] = binary(row[_METADATA], _jsonb_bytes)
            row[_PASS] = binary(row[_PASS], _uuid_bytes)
            copy.write_row(row)


def _fill_incoming(cursor, rows: list[list] | None = None, external_ids=None) -> None:
    """Fill the session's incoming table with rows, or with ids alone."""
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {INCOMING} ON COMMIT DELETE ROWS AS "
        f"SELECT {', '.join(COLUMNS)} FROM {TABLE} WITH NO DATA"
    )
    cursor.execute(f"TRUNCATE {INCOMING}")
    if rows is not None:
        _copy(cursor, INCOMING, rows)
        return
    with cursor.copy(f"COPY {INCOMING} (external_id) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["text"])
        for external_id in external_ids:
            copy.write_row((external_id,))


def insert_new(rows) -> None:
    # The statement's stamps are taken once and sent with every row: as column defaults they
    # would be computed again for each.
    with _raw_cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(stamp_values())}")
        _copy(cursor, TABLE, rows, stamps=cursor.fetchone())


def upsert(rows: list[list]) -> list[tuple]:
    """(external id, created, was deleted) of every row inserted or rewritten."""
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in REWRITTEN)
    select = ", ".join([*COLUMNS, *stamp_values()])
    with _raw_cursor() as cursor:
        _fill_incoming(cursor, rows)
        cursor.execute(
            f"INSERT INTO {TABLE} AS d ({columns_list(COLUMNS)}) SELECT {select} FROM {INCOMING} "
            f"ON CONFLICT (connector_id, external_id) DO UPDATE SET {updates}{stamp_set()} "
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


def _keyed(external_ids, connector_id, now, pass_id, set_clause, returning) -> list[tuple]:
    stamps = "".join(f", {v}" for v in stamp_values())
    statement = (
        f"INSERT INTO {TABLE} AS d ({columns_list(COLUMNS)}) "
        + _PLACEHOLDER.format(stamps=stamps)
        + f" ON CONFLICT (connector_id, external_id) DO UPDATE SET {set_clause} "
        f"RETURNING {returning}"
    )
    with _raw_cursor() as cursor:
        _fill_incoming(cursor, external_ids=external_ids)
        cursor.execute(statement, [connector_id, now, now, pass_id])
        return cursor.fetchall()


def touch(connector_id, external_ids: list[str], pass_id, now) -> tuple[list[str], list[str]]:
    returned = _keyed(
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
    _keyed(external_ids, connector_id, now, None, "deleted_at = NULL" + stamp_set(), "d.id")
