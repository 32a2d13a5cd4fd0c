"""Reading a collection's change feed, one page at a time.

A collection's documents are those of its connectors, so its feed is a merge of ordered runs per
connector membership (``CollectionMembership``), each read by a keyset on the index
(connector_id, change_stamp, id):

- the connector's own changes while it is in the collection: documents stamped after it joined
  and up to when it left (or the frontier), as upserts or deletes;
- when it joined: its documents live at that moment (stamped no later), as upserts;
- when it left: every document it still has except those already deleted before, as deletes.

Each run costs an index range scan of at most ``limit + 1`` rows, whatever the size of the
collection or the table's statistics. Only stamps below the frontier (``stamps.frontier``) are
read, so a transaction that commits late is waited for, never skipped.
"""

from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL

from config.errors import CursorExpired, InvalidInput
from syncs.feed import stamps
from syncs.feed.cursor import CHANGE, DONE, JOINED, LEFT, FeedCursor
from syncs.models import ChangeClock, CollectionMembership, Document

MAX_ID = 2**63 - 1
MAX_LIMIT, DEFAULT_LIMIT = 1000, 100
#: Fields a change's document can carry (``fields=`` picks among them); the first three always.
DOCUMENT_FIELDS = (
    "id",
    "connector_id",
    "external_id",
    "title",
    "url",
    "mime_type",
    "size",
    "metadata",
    "content_hash",
    "source_created_at",
    "source_updated_at",
    "first_seen_at",
    "content",
)
ALWAYS = DOCUMENT_FIELDS[:3]


def fields_from(text: str | None) -> tuple[str, ...]:
    """The document fields named in ``fields=`` (comma-separated); all when empty."""
    names = tuple(name.strip() for name in (text or "").split(",") if name.strip())
    unknown = sorted(set(names) - set(DOCUMENT_FIELDS))
    if unknown:
        raise InvalidInput(
            {
                "fields": [
                    f"Unknown field(s): {', '.join(unknown)}. Choose among: "
                    f"{', '.join(DOCUMENT_FIELDS)}."
                ]
            }
        )
    return names or DOCUMENT_FIELDS


_BOOKKEEPING = ("deleted_at", stamps.STAMP, stamps.CHANGED_AT)


@dataclass(frozen=True)
class Change:
    key: tuple
    op: str  # "upsert" or "delete"
    document: dict
    changed_at: object

    def as_json(self) -> dict:
        """What the API and ``export_documents`` give for this change."""
        return {"op": self.op, "document": self.document, "changed_at": self.changed_at}


@dataclass(frozen=True)
class Page:
    changes: list[Change]
    cursor: FeedCursor
    #: More changes are ready now (the page is full); otherwise poll again later.
    more: bool


def _after(stamp: int, document_id: int) -> RawSQL:
    """Rows strictly after (stamp, id): a row-value comparison the index serves as a range."""
    return RawSQL(
        f"({stamps.STAMP}, id) > (%s, %s)", [stamp, document_id], output_field=BooleanField()
    )


@dataclass
class _Run:
    """An ordered run of changes after the reader's position: rows of one connector by (stamp,
    id), each mapped to its place in the feed."""

    rows: object  # a queryset ordered by (stamp, id), starting after the position
    key: object  # row -> position
    op: object  # row -> "upsert" or "delete"
    changed_at: object  # row -> when
    deletes_only: bool = False
    #: No change of the run comes before this; None: ask the database for the first one.
    starts_at: tuple | None = None

    def first_row_sql(self) -> tuple[str, list]:
        """SQL of the (stamp, id) of the run's first row."""
        sql, params = self.rows.values_list(stamps.STAMP, "id")[:1].query.sql_with_params()
        return sql, list(params)

    def fetch(self, limit: int, fields) -> list[Change]:
        names = ALWAYS if self.deletes_only else fields
        columns = list(dict.fromkeys((*names, *_BOOKKEEPING)))
        changes = []
        for values in self.rows.values_list(*columns)[:limit]:
            row = dict(zip(columns, values, strict=True))
            op = self.op(row)
            kept = ALWAYS if op == "delete" else names
            changes.append(
                Change(self.key(row), op, {name: row[name] for name in kept}, self.changed_at(row))
            )
        return changes


def _ordered_after(queryset, after: tuple[int, int]):
    return queryset.filter(_after(*after)).order_by(stamps.STAMP, "id")


@dataclass
class _Membership:
    """The runs of one connector's time in the collection."""

    membership: CollectionMembership
    frontier: int
    floor: int

    def runs(self, position) -> list[_Run]:
        return [
            run for run in (self.left(position), self.joined(position), self.own(position)) if run
        ]

    def _inner(self, prefix: tuple, position: tuple) -> tuple[int, int] | None:
        """Where to resume inside the run keyed ``prefix``; None when it is all behind."""
        if prefix < position[:3]:
            return None
        return tuple(position[3:]) if prefix == position[:3] else (-1, 0)

    def left(self, position) -> _Run | None:
        m = self.membership
        if m.ended_stamp is None or m.ended_stamp >= self.frontier:
            return None
        prefix = (m.ended_stamp, LEFT, m.pk)
        inner = self._inner(prefix, position)
        if inner is None:
            return None
        # Everything the connector has, but what was deleted before it left (already sent).
        queryset = Document.objects.filter(connector_id=m.connector_id).filter(
            Q(change_stamp__gte=m.ended_stamp) | Q(deleted_at__isnull=True)
        )
        return _Run(
            _ordered_after(queryset, inner),
            key=lambda row: (*prefix, row[stamps.STAMP], row["id"]),
            op=lambda row: "delete",
            changed_at=lambda row: m.ended_at,
            deletes_only=True,
            starts_at=(*prefix, *inner),
        )

    def joined(self, position) -> _Run | None:
        m = self.membership
        prefix = (m.started_stamp, JOINED, m.pk)
        inner = self._inner(prefix, position)
        if inner is None:
            return None
        queryset = Document.objects.filter(
            connector_id=m.connector_id,
            change_stamp__lte=m.started_stamp,
            deleted_at__isnull=True,
        )
        return _Run(
            _ordered_after(queryset, inner),
            key=lambda row: (*prefix, row[stamps.STAMP], row["id"]),
            op=lambda row: "upsert",
            changed_at=lambda row: m.started_at,
            starts_at=(*prefix, *inner),
        )

    def own(self, position) -> _Run | None:
        m = self.membership
        stamp, segment, _, _, document_id = position
        resume = (stamp, document_id if segment == CHANGE else (0 if segment < CHANGE else MAX_ID))
        after = max((m.started_stamp, MAX_ID), resume)
        last = self.frontier - 1
        if m.ended_stamp is not None:  # what it wrote in the transaction that ended it is out
            last = min(last, m.ended_stamp - 1)
        if after >= (last, MAX_ID):  # nothing can come between the position and the frontier
            return None
        queryset = Document.objects.filter(
            connector_id=m.connector_id, change_stamp__lte=last
        ).exclude(deleted_at__isnull=False, change_stamp__lt=self.floor)
        return _Run(
            _ordered_after(queryset, after),
            key=lambda row: (row[stamps.STAMP], CHANGE, 0, 0, row["id"]),
            op=lambda row: "delete" if row["deleted_at"] is not None else "upsert",
            changed_at=lambda row: row[stamps.CHANGED_AT],
        )


def _lower_bounds(runs: list[_Run]) -> list[tuple | None]:
    """For each run, a position none of its changes comes before (None: the run is empty). A
    run of a connector's own changes is asked for its first row, all of them in one statement."""
    bounds = [run.starts_at for run in runs]
    asked = [index for index, run in enumerate(runs) if run.starts_at is None]
    if not asked:
        return bounds
    parts, params = [], []
    for index in asked:
        sql, run_params = runs[index].first_row_sql()
        parts.append(f"SELECT {index} AS run, head.* FROM ({sql}) AS head")
        params += run_params
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = {run: (stamp, document_id) for run, stamp, document_id in cursor.fetchall()}
    for index in asked:
        row = found.get(index)
        if row is not None:
            bounds[index] = runs[index].key({stamps.STAMP: row[0], "id": row[1]})
    return bounds


def _merge(runs: list[_Run], limit: int, fields) -> tuple[list[Change], bool]:
    """The first ``limit`` changes of the runs, and whether more may be there. Runs are read in
    the order of their lower bounds, and a change is settled once it comes before the next run's
    bound: when runs do not overlap (connectors written at different times, a drain), a page
    is read from one run, the others only probed."""
    if len(runs) == 1:
        found = runs[0].fetch(limit + 1, fields)
        return found[:limit], len(found) > limit
    bounded = sorted((bound, index) for index, bound in enumerate(_lower_bounds(runs)) if bound)
    found: list[Change] = []
    for place, (_, index) in enumerate(bounded):
        found += runs[index].fetch(limit + 1, fields)
        found.sort(key=lambda change: change.key)
        if place + 1 < len(bounded):
            following = bounded[place + 1][0]
            if len(found) >= limit and found[limit - 1].key < following:
                return found[:limit], True
    return found[:limit], len(found) > limit


def _frontier(collection) -> int:
    frontier = stamps.frontier()
    if connection.vendor == "sqlite":
        # Rows stamped by a default without moving the clock wait for its next move.
        connectors = CollectionMembership.objects.filter(collection=collection).values(
            "connector_id"
        )
        waiting = Document.objects.filter(connector_id__in=connectors, change_stamp__gte=frontier)
        if waiting.exists():
            frontier = stamps.advance()
    return frontier


def _check_kept(cursor: FeedCursor) -> None:
    purged_through = (
        ChangeClock.objects.filter(pk=1).values_list("purged_through", flat=True).first()
    )
    # A purged change at or below ``purged_through`` may be one this consumer still needs: one
    # it has not read past, and not a deletion from before it started (those are never sent).
    if (
        purged_through is not None
        and purged_through >= cursor.floor
        and cursor.position < (purged_through, DONE, 0, 0, 0)
    ):
        days = settings.CONNECTOR_HUB_DELETED_DOCUMENT_RETENTION_DAYS
        raise CursorExpired(
            "This cursor is older than the changes the service keeps (deletions are kept "
            f"{days} days). Start again without a cursor: every live document comes as an "
            "upsert, then the changes from there."
        )


def changes_page(collection, cursor: FeedCursor | None, *, limit: int, fields=DOCUMENT_FIELDS):
    """The changes of ``collection`` after ``cursor`` (from the beginning when None), at most
    ``limit``, in the order of their stamps; each document carries ``fields`` (plus its id,
    external id and connector)."""
    fields = tuple(dict.fromkeys((*ALWAYS, *fields)))
    frontier = _frontier(collection)
    if cursor is None:
        cursor = FeedCursor(str(collection.pk), floor=frontier)
    else:
        _check_kept(cursor)
    position = cursor.position
    memberships = CollectionMembership.objects.filter(
        collection=collection, started_stamp__lt=frontier
    ).filter(Q(ended_stamp__isnull=True) | Q(ended_stamp__gte=max(cursor.floor, position[0])))
    runs = []
    for membership in memberships:
        runs += _Membership(membership, frontier, cursor.floor).runs(position)
    changes, more = _merge(runs, limit, fields)
    # A page that is not full delivered everything below the frontier.
    position = changes[-1].key if more else max(position, (frontier - 1, DONE, 0, 0, 0))
    return Page(changes, replace(cursor, position=position), more)
