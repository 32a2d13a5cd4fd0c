"""Change stamps: where each write stands in the change feed.

Every statement that inserts, rewrites, soft-deletes or restores a document sets two columns (and
the start and end of a connector's time in a collection carry a stamp too):

- ``change_stamp``: on PostgreSQL the id of the writing transaction (``pg_current_xact_id()``);
  on SQLite a value of a one-row clock table.
- ``changed_at``: when.

A reader delivers only stamps below the *frontier*, under which nothing can commit any more:

- PostgreSQL: ``pg_snapshot_xmin(pg_current_snapshot())``, the oldest transaction still running.
  Every transaction with a lower id has ended, so the rows stamped below it are final. A
  transaction that started early and commits late holds the frontier back instead of being
  skipped, which is what an auto-increment or a timestamp cursor gets wrong.
- SQLite: writers are serialized (``BEGIN IMMEDIATE``). A writer stamps with the clock's value
  and moves the clock on in the same transaction, so the committed clock is above every committed
  stamp and below every stamp still to commit: it is the frontier, and reading it writes nothing.
  (A stamp taken without moving the clock, as the fields' defaults do, is safe too: it waits for
  the next move, see ``advance``.)

A row written again gets a larger stamp, so a document changed several times between two reads is
delivered once, in its latest state.

In hand-written statements use ``sql()`` or ``assignments()``; in ORM writes ``expressions()``;
each call stands for one statement, inside the writing transaction (the engine's ``COPY`` selects
them once and sends the values with every row). An insert that leaves the columns out is stamped
by the column defaults or by the model fields' defaults (ORM inserts on both).
"""

from django.db import connection, transaction
from django.db.models import BigIntegerField, Case, Expression, F, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now
from django.utils import timezone

STAMP = "change_stamp"
CHANGED_AT = "changed_at"
COLUMNS = (STAMP, CHANGED_AT)
CLOCK_TABLE = "syncs_changeclock"

_POSTGRES_STAMP = "pg_current_xact_id()::text::bigint"
_SQLITE_CLOCK = f"COALESCE((SELECT value FROM {CLOCK_TABLE} WHERE id = 1), 0)"
# Move the clock on by %s; the row is made by a migration, or again here after a flush (tests).
_SQLITE_MOVE = (
    f"INSERT INTO {CLOCK_TABLE} (id, value, purged_through) VALUES (1, %s, -1) "
    "ON CONFLICT (id) DO UPDATE SET value = value + %s RETURNING value"
)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _move_sqlite_clock(by: int) -> int:
    """The clock's value after moving it on (inside the caller's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE_MOVE, [by, by])
        return cursor.fetchone()[0]


def _sqlite_stamp() -> str:
    if not connection.in_atomic_block:
        # Moving the clock in a transaction of its own would let a reader pass this stamp
        # before the write commits: stamp with the clock as it is (delivered after its next move).
        return _SQLITE_CLOCK
    return str(_move_sqlite_clock(1) - 1)


def stamp_sql() -> str:
    """The SQL expression of the stamp of the rows the next statement writes."""
    return _POSTGRES_STAMP if _postgres() else _sqlite_stamp()


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
    """The same for ORM writes: ``QuerySet.update(**stamps.expressions(), ...)``, or the values
    of the instances of a ``bulk_create``."""
    if _postgres():
        stamp = RawSQL(_POSTGRES_STAMP, [], output_field=BigIntegerField())
    else:
        stamp = RawSQL(_sqlite_stamp(), [], output_field=BigIntegerField())
    changed_at = Now()
    if only_if is not None:
        stamp = Case(When(only_if, then=stamp), default=F(STAMP))
        changed_at = Case(When(only_if, then=changed_at), default=F(CHANGED_AT))
    return {STAMP: stamp, CHANGED_AT: changed_at}


def for_insert() -> RawSQL:
    """The default of a stamp field: a new model instance is stamped by the INSERT itself."""
    stamp = _POSTGRES_STAMP if _postgres() else _SQLITE_CLOCK
    return RawSQL(stamp, [], output_field=BigIntegerField())


class ColumnDefault(Expression):
    """The stamp column's database default. SQLite refuses a subquery there: its default is 0,
    the place of rows that existed before the feed (ORM inserts use ``for_insert``)."""

    output_field = BigIntegerField()
    allowed_default = True

    def as_sql(self, compiler, connection):
        return "0", []

    def as_postgresql(self, compiler, connection):
        return _POSTGRES_STAMP, []


def for_event():
    """The stamp of a connector joining or leaving a collection, inside the transaction that
    does it. Documents the same transaction writes share it on PostgreSQL (the feed counts them
    in the collection when joining and out when leaving); on SQLite it is a value no document
    has: the clock moves past it, parting what was written before from what comes after."""
    if _postgres():
        return RawSQL(_POSTGRES_STAMP, [], output_field=BigIntegerField())
    assert connection.in_atomic_block, "a membership's stamp is taken in its transaction"
    return Value(_move_sqlite_clock(2) - 1)


def frontier() -> int:
    """Every stamp below this is final: deliverable, and nothing new will be stamped below it."""
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        else:
            cursor.execute(f"SELECT {_SQLITE_CLOCK}")
        return cursor.fetchone()[0]


def advance() -> int:
    """SQLite: move the clock on so that rows stamped with its current value (by a default,
    without moving it) become final; the new frontier. PostgreSQL needs nothing."""
    if _postgres():
        return frontier()
    with transaction.atomic():
        return _move_sqlite_clock(1)
