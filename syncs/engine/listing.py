"""A source's listing of what it has now, kept per pass to find what it no longer has.

A reader that can list its current items cheaply (a table's primary keys, a bucket's keys) sends
them in ``Batch.listed_external_ids`` during an incremental pass; they are written here, with the
batch's checkpoint, so a resumed pass goes on listing where it stopped. The batch that ends the
listing (``Batch.listing_complete``) soft-deletes, in one set-wise statement in the database, the
connector's documents the listing did not name and the pass did not see, then forgets the listing.
"""

import uuid

from django.db import IntegrityError, connection, transaction

from syncs.engine import document_store
from syncs.models import ListedKey

TABLE = ListedKey._meta.db_table
_COLUMNS = "connector_id, pass_id, external_id"


def _sqlite_key(value) -> str:
    return value.hex if hasattr(value, "hex") else str(value).replace("-", "")


def record(connector_id, pass_id, external_ids: list[str]) -> None:
    ids = [e for e in dict.fromkeys(external_ids) if isinstance(e, str) and e]
    if not ids:
        return
    pass_id = pass_id if isinstance(pass_id, uuid.UUID) else uuid.UUID(str(pass_id))
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {TABLE} ({_COLUMNS}) VALUES (%s, %s, %s)",
                [[_sqlite_key(connector_id), _sqlite_key(pass_id), e] for e in ids],
            )
        return
    connection.ensure_connection()
    try:
        with (
            transaction.atomic(),
            connection.wrap_database_errors,
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {TABLE} ({_COLUMNS}) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.set_types(["uuid", "uuid", "text"])
            for external_id in ids:
                copy.write_row((connector_id, pass_id, external_id))
    except IntegrityError:  # listed twice (a source that repeats itself): keep one
        with connection.wrap_database_errors, connection.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} ({_COLUMNS}) SELECT %b::uuid, %b::uuid, k "
                "FROM unnest(%b::text[]) AS k ON CONFLICT DO NOTHING",
                [connector_id, pass_id, ids],
            )


def complete(connector_id, pass_id, now) -> int:
    """The listing of ``pass_id`` is whole: soft-delete what it did not name; forget it."""
    deleted = document_store.soft_delete_unlisted(connector_id, pass_id, TABLE, now)
    forget(connector_id)
    return deleted


def forget(connector_id) -> None:
    ListedKey.objects.filter(connector_id=connector_id).delete()
