"""Every statement of the engine that writes ``syncs_document``, for PostgreSQL and SQLite.

Rows arrive as lists in ``COLUMNS`` order (``documents.StoredRows`` builds them as a statement
reads them). Each statement reaches the rows it writes through the unique index on
(connector_id, external_id) or the primary key, so no plan depends on the table's statistics:

- ``insert_new``: a pass over a connector that had no documents writes straight into the table
  (PostgreSQL: binary ``COPY``); a duplicate id raises ``IntegrityError``.
- ``upsert``: ``INSERT ... ON CONFLICT (connector_id, external_id) DO UPDATE ... WHERE`` the hash
  differs (or the stored copy was deleted), ``RETURNING`` what was created, updated or restored.
- ``touch``: documents the source still has, unchanged: seen in this pass.
- ``restore``, ``soft_delete``, ``prune``, ``soft_delete_unlisted``: ``deleted_at`` set or cleared.

Every insert, update, restore and soft-delete also sets the change feed's stamp columns
(``syncs.feed.stamps``: each call of ``stamps.sql()`` is one statement's stamp). The ``COPY``
of ``insert_new`` takes its stamp once and sends it with every row.

The row's layout is in ``layout``; where the two databases write differently, ``postgres`` and
``sqlite`` each hold their way; the statements they share are here.
"""

from django.db import IntegrityError, connection

from syncs.engine.document_store import postgres, sqlite
from syncs.engine.document_store.layout import COLUMNS, TABLE, stamp_set


def _vendor():
    return postgres if connection.vendor == "postgresql" else sqlite


def _keys(connector_id, pass_id, now) -> tuple:
    """The connector, the pass and the moment as each database takes them."""
    if connection.vendor == "postgresql":
        return connector_id, pass_id, now
    return (
        getattr(connector_id, "hex", connector_id),
        None if pass_id is None else str(pass_id).replace("-", ""),
        connection.ops.adapt_datetimefield_value(now),
    )


def insert_new(rows: list[list]) -> None:
    """Rows of documents the connector does not have; ``IntegrityError`` on a duplicate."""
    if rows:
        _vendor().insert_new(rows)


def upsert(rows: list[list]) -> list[tuple]:
    """Insert new rows and rewrite stored ones whose hash differs or that were deleted (their
    ``deleted_at`` is left for ``restore``). Returns (external id, created, was deleted) of each
    row written; a row not returned was stored unchanged and is left as it was."""
    return _vendor().upsert(rows) if rows else []


def touch(connector_id, external_ids: list[str], pass_id, now) -> tuple[list[str], list[str]]:
    """Mark stored documents seen in this pass. Returns (missing, deleted): ids with no stored
    document (left untouched) and ids whose stored document is soft-deleted (seen, still
    deleted: ``restore`` them)."""
    if not external_ids:
        return [], []
    return _vendor().touch(connector_id, external_ids, pass_id, now)


def restore(connector_id, external_ids: list[str], now) -> None:
    """Clear ``deleted_at`` of stored documents back in the source."""
    if external_ids:
        _vendor().restore(connector_id, external_ids, now)


def soft_delete(connector_id, external_ids: list[str], now) -> int:
    """Soft-delete the connector's live documents with these ids; one keyed statement per id."""
    if not external_ids:
        return 0
    key, _, moment = _keys(connector_id, None, now)
    statement = (
        f"UPDATE {TABLE} SET deleted_at = %s{stamp_set()} "
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
    key, pass_key, moment = _keys(connector_id, pass_id, now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET deleted_at = %s{stamp_set()} WHERE connector_id = %s "
            "AND deleted_at IS NULL AND (last_pass_id IS NULL OR last_pass_id <> %s)",
            [moment, key, pass_key],
        )
        return cursor.rowcount


def soft_delete_unlisted(connector_id, pass_id, listed_table: str, now) -> int:
    """Soft-delete the connector's live documents that the source's listing of this pass did not
    name and that this pass did not see either (an anti-join with ``listed_table``)."""
    key, pass_key, moment = _keys(connector_id, pass_id, now)
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            # A hash (or merge) anti-join reads each side once. Statistics taken while the
            # listing was empty make the planner pick a nested loop, quadratic at this size.
            cursor.execute("SELECT set_config('enable_nestloop', 'off', true)")
        cursor.execute(
            f"UPDATE {TABLE} AS d SET deleted_at = %s{stamp_set()} WHERE d.connector_id = %s "
            "AND d.deleted_at IS NULL AND (d.last_pass_id IS NULL OR d.last_pass_id <> %s) "
            f"AND NOT EXISTS (SELECT 1 FROM {listed_table} AS k WHERE k.connector_id = %s "
            "AND k.pass_id = %s AND k.external_id = d.external_id)",
            [moment, key, pass_key, key, pass_key],
        )
        deleted = cursor.rowcount
        if postgresql:
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
