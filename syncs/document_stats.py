"""Counters of documents, kept where documents are written so that pages read a few rows
instead of counting millions: each connector's live documents (``DocumentCount``) and the
documents imported per day (``DocumentDay``).

Every writer of documents calls ``record`` in the transaction of its write: the sync engine once
per stored batch and once for the prune at the end of a full pass; ``forget`` when a connector is
deleted (its documents go with it). Soft-deleted documents purged later are not live and change
nothing. The counters are added to (``INSERT ... ON CONFLICT DO UPDATE``), never read and
written back, so concurrent writers cannot lose an update.
"""

from datetime import datetime

from django.db import connection
from django.utils import timezone

from syncs.models import DocumentCount, DocumentDay

_COUNTS = DocumentCount._meta.db_table
_DAYS = DocumentDay._meta.db_table
_ADD_LIVE = (
    f"INSERT INTO {_COUNTS} (connector_id, live) VALUES (%s, %s) "
    f"ON CONFLICT (connector_id) DO UPDATE SET live = {_COUNTS}.live + EXCLUDED.live"
)
_ADD_IMPORTED = (
    f"INSERT INTO {_DAYS} (connector_id, day, imported) VALUES (%s, %s, %s) "
    f"ON CONFLICT (connector_id, day) DO UPDATE SET imported = {_DAYS}.imported + EXCLUDED.imported"
)


def record(connector_id, *, created: int = 0, deleted: int = 0, now: datetime | None = None):
    """``created`` documents became live (new, or back after a deletion) and ``deleted`` live
    ones were deleted, at ``now``."""
    change = created - deleted
    if not change and not created:
        return
    with connection.cursor() as cursor:
        if change:
            cursor.execute(_ADD_LIVE, [_db_id(connector_id), change])
        if created:
            day = timezone.localdate(now or timezone.now())
            day = DocumentDay._meta.get_field("day").get_db_prep_value(day, connection)
            cursor.execute(_ADD_IMPORTED, [_db_id(connector_id), day, created])


def forget(connector_id) -> None:
    """A deleted connector's documents are about to be purged: it counts none any more."""
    DocumentCount.objects.filter(connector_id=connector_id).delete()
    DocumentDay.objects.filter(connector_id=connector_id).delete()


def _db_id(connector_id):
    """The connector's id as the database stores it (SQLite keeps uuids as 32 hex digits)."""
    field = DocumentCount._meta.get_field("connector").target_field
    return field.get_db_prep_value(connector_id, connection)
