"""Change stamps: where each write stands in the change feed.

Every statement that inserts, rewrites, soft-deletes or restores a document sets two columns (and
the start and end of a connector's time in a collection carry the same stamp):

- ``change_stamp``: on PostgreSQL the id of the writing transaction (``pg_current_xact_id()``);
  on SQLite the value of a one-row clock table.
- ``changed_at``: when.

A reader delivers only stamps below the *frontier*, under which nothing can commit any more:

- PostgreSQL: ``pg_snapshot_xmin(pg_current_snapshot())``, the oldest transaction still running.
  Every transaction with a lower id has ended, so the rows stamped below it are final. A
  transaction that started early and commits late holds the frontier back instead of being
  skipped, which is what an auto-increment or a timestamp cursor gets wrong.
- SQLite: writers are serialized (``BEGIN IMMEDIATE``) and stamp the clock's value; a reader
  advances the clock in a write transaction of its own, so every writer that stamped the old
  value has committed and every later writer stamps a larger one.

A row written again gets a larger stamp, so a document changed several times between two reads is
delivered once, in its latest state.

In hand-written statements use ``sql()`` or ``assignments()``; in ORM updates ``expressions()``.
An insert that leaves the columns out is stamped by the column defaults (the engine's COPY on
PostgreSQL) or by the model fields' defaults (ORM inserts on both).
"""

from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, Expression, F, Q, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now
from django.utils import timezone

STAMP = "change_stamp"
CHANGED_AT = "changed_at"
COLUMNS = (STAMP, CHANGED_AT)
CLOCK_TABLE = "syncs_changeclock"

_POSTGRES_STAMP = "pg_current_xact_id()::text::bigint"
_SQLITE_STAMP = f"COALESCE((SELECT value FROM {CLOCK_TABLE} WHERE id = 1), 0)"
# The clock's row is made by a migration; a database emptied since (a test's flush) starts again.
_SQLITE_ADVANCE = (
    f"INSERT INTO {CLOCK_TABLE} (id, value, purged_through) VALUES (1, %s, -1) "
    "ON CONFLICT (id) DO UPDATE SET value = value + %s RETURNING value"
)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def stamp_sql() -> str:
    """The SQL expression of the stamp of a row the current transaction writes."""
    return _POSTGRES_STAMP if _postgres() else _SQLITE_STAMP


def changed_at_sql() -> str:
    if _postgres():
        return "STATEMENT_TIMESTAMP()"  # what Django's Now() is there
    # A literal in Django's own storage format; no '%' that a parameterised statement would need
    # doubled (SQLite's STRFTIME needs them).
    return f"'{connection.ops.adapt_datetimefield_value(timezone.now())}'"


def sql() -> dict[str, str]:
    """column -> SQL expression, for the column list and values of an INSERT."""
    return {STAMP: stamp_sql(), CHANGED_AT: changed_at_sql()}


def assignments(*, only_if: str | None = None) -> str:
    """``change_stamp = ..., changed_at = ...`` for an UPDATE or an ``ON CONFLICT DO UPDATE``.
    With ``only_if`` (a condition on the stored row) a row for which it is false keeps its
    stamps, e.g. ``only_if="deleted_at IS NOT NULL"`` when marking documents seen restores some."""
    parts = []
    for column, value in sql().items():
        if only_if:
            value = f"CASE WHEN {only_if} THEN {value} ELSE {column} END"
        parts.append(f"{column} = {value}")
    return ", ".join(parts)


def expressions(*, only_if: Q | None = None) -> dict:
    """The same for ``QuerySet.update(**stamps.expressions(), ...)``."""
    stamp = RawSQL(stamp_sql(), [], output_field=BigIntegerField())
    changed_at = Now()
    if only_if is not None:
        stamp = Case(When(only_if, then=stamp), default=F(STAMP))
        changed_at = Case(When(only_if, then=changed_at), default=F(CHANGED_AT))
    return {STAMP: stamp, CHANGED_AT: changed_at}


def for_insert() -> RawSQL:
    """The default of a stamp field: a new model instance is stamped by the INSERT itself."""
    return RawSQL(stamp_sql(), [], output_field=BigIntegerField())


class ColumnDefault(Expression):
    """The stamp column's database default. SQLite refuses a subquery there: its default is 0,
    the place of rows that existed before the feed (ORM inserts use ``for_insert``)."""

    output_field = BigIntegerField()
    allowed_default = True

    def as_sql(self, compiler, connection):
        return "0", []

    def as_postgresql(self, compiler, connection):
        return _POSTGRES_STAMP, []


def _advance_sqlite_clock(by: int) -> int:
    """The clock's new value (in a transaction that holds SQLite's write lock)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_SQLITE_ADVANCE, [by, by])
        return cursor.fetchone()[0]


def for_event():
    """The stamp of a connector joining or leaving a collection. Documents the same transaction
    writes share it on PostgreSQL (the feed puts them inside the collection when joining and
    outside when leaving); on SQLite it is a clock value of its own, the clock moving past it,
    so that it parts the documents written before from those written after."""
    if _postgres():
        return RawSQL(_POSTGRES_STAMP, [], output_field=BigIntegerField())
    return _advance_sqlite_clock(2) - 1


def frontier() -> int:
    """Every stamp below this is final: deliverable, and nothing new will be stamped below it."""
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
            return cursor.fetchone()[0]
    return _advance_sqlite_clock(1)
