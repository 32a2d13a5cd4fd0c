"""The document writes on SQLite, where Django keeps uuids as hex and date-times as naive UTC
text: the stored hashes are read through the unique index, then new and changed rows are written
with ``executemany``."""

import uuid
from datetime import UTC, datetime, timedelta

from django.db import connection

from syncs.engine.document_store.layout import (
    COLUMNS,
    REWRITTEN,
    TABLE,
    columns_list,
    json_bytes,
    stamp_set,
    stamp_values,
)

_NO_OFFSET = timedelta(0)


def _insert_statement(conflict: str = "") -> str:
    marks = ", ".join(["%s"] * len(COLUMNS) + stamp_values())
    return f"INSERT INTO {TABLE} ({columns_list(COLUMNS)}) VALUES ({marks}){conflict}"


def _uuid(value) -> str | None:
    if value is None:
        return None
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "")


def _moment(value) -> str | None:
    """A datetime as Django stores it on SQLite: naive UTC text."""
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        if value.utcoffset() == _NO_OFFSET:
            return value.isoformat(" ")[:-6]  # the "+00:00" off
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return connection.ops.adapt_datetimefield_value(value)


def _json_text(value) -> str:
    return json_bytes(value).decode()


def _adapt(rows: list[list]) -> list[tuple]:
    """Rows as Django stores them on SQLite (uuids as hex, datetimes as text, JSON as text).
    The connector, the pass, the moment and most metadata are one object shared by every row:
    each is adapted once."""
    shared: dict[int, str | None] = {}  # the rows keep every object alive, so ids stay unique

    def once(value, adapt):
        text = shared.get(id(value), shared)
        if text is shared:
            text = shared[id(value)] = adapt(value)
        return text

    adapted = []
    for row in rows:
        (
            connector,
            external_id,
            title,
            url,
            mime,
            content,
            digest,
            metadata,
            size,
            created,
            updated,
            first_seen,
            last_seen,
            pass_id,
        ) = row
        adapted.append(
            (
                once(connector, _uuid),
                external_id,
                title,
                url,
                mime,
                content,
                digest,
                once(metadata, _json_text),
                size,
                _moment(created),
                _moment(updated),
                once(first_seen, _moment),
                once(last_seen, _moment),
                once(pass_id, _uuid),
            )
        )
    return adapted


def _key(connector_id):
    return connector_id.hex if hasattr(connector_id, "hex") else connector_id


def _stored(connector_id, external_ids: list[str]) -> dict[str, tuple[str, bool]]:
    """external id -> (content hash, soft-deleted), through the unique index."""
    stored = {}
    with connection.cursor() as cursor:
        for start in range(0, len(external_ids), 500):
            chunk = external_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT external_id, content_hash, deleted_at IS NOT NULL FROM {TABLE} "
                f"WHERE connector_id = %s AND external_id IN ({marks})",
                [_key(connector_id), *chunk],
            )
            for external_id, digest, deleted in cursor.fetchall():
                stored[external_id] = (digest, bool(deleted))
    return stored


def insert_new(rows: list[list]) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(_insert_statement(), _adapt(rows))


def upsert(rows: list[list]) -> list[tuple]:
    stored = _stored(rows[0][0], [row[1] for row in rows])
    written, new, changed = [], [], []
    for row in rows:
        previous = stored.get(row[1])
        if previous is None:
            new.append(row)
            written.append((row[1], True, False))
        elif previous[0] != row[6] or previous[1]:
            changed.append(row)
            written.append((row[1], False, previous[1]))
    updates = ", ".join(f"{c} = excluded.{c}" for c in REWRITTEN)
    with connection.cursor() as cursor:
        if new:
            cursor.executemany(_insert_statement(), _adapt(new))
        if changed:
            statement = _insert_statement(
                f" ON CONFLICT (connector_id, external_id) DO UPDATE SET {updates}{stamp_set()}"
            )
            cursor.executemany(statement, _adapt(changed))
    return written


def touch(connector_id, external_ids: list[str], pass_id, now) -> tuple[list[str], list[str]]:
    stored = _stored(connector_id, external_ids)
    missing = [e for e in external_ids if e not in stored]
    deleted = [e for e in external_ids if stored.get(e, ("", False))[1]]
    present = [e for e in external_ids if e in stored]
    moment = connection.ops.adapt_datetimefield_value(now)
    pass_key = getattr(pass_id, "hex", str(pass_id).replace("-", ""))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {TABLE} SET last_seen_at = %s, last_pass_id = %s "
            "WHERE connector_id = %s AND external_id = %s",
            [[moment, pass_key, _key(connector_id), e] for e in present],
        )
    return missing, deleted


def restore(connector_id, external_ids: list[str], now) -> None:
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {TABLE} SET deleted_at = NULL{stamp_set()} "
            "WHERE connector_id = %s AND external_id = %s",
            [[_key(connector_id), e] for e in external_ids],
        )
