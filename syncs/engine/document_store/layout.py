"""The written row: its columns in order, their PostgreSQL types, and the change feed's stamps
that every insert, rewrite, restore and soft-delete sets (``syncs.feed.stamps``: each call of
``stamps.sql()`` is one statement's stamp)."""

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
# What an upsert of a changed document rewrites.
REWRITTEN = [*CONTENT_COLUMNS, "last_seen_at", "last_pass_id"]


def stamp_values() -> list[str]:
    return list(stamps.sql().values())


def stamp_set() -> str:
    return ", " + stamps.assignments()


def columns_list(columns: list[str]) -> str:
    """The columns and the stamp columns, for an INSERT's column list."""
    return ", ".join([*columns, *stamps.COLUMNS])


def json_bytes(value) -> bytes:
    from syncs.engine.documents import json_bytes

    return json_bytes(value)
