"""Reads compiled once: the ORM builds and compiles a read's query once per thread and shape,
and every later call binds its own values into that SQL (``CompiledRead``)."""

import datetime
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import F, QuerySet

from config.rows import Columns


class CompiledRead:
    """A read of ``columns`` whose SQL depends only on which values it is given, never on what
    they are: ``build(**shape, **values)`` makes its queryset. The ORM builds and compiles it
    once per thread, database and shape; every call then runs that SQL with its own values bound
    in. Building and compiling the query is the largest cost of a read by id or of a page.

    ``values`` are uuids, integers, text, aware date-times, or non-empty lists of those (a
    list's length is part of its shape). ``shape`` holds what may change the SQL itself (a
    page's limit, whether there is a cursor): each shape is compiled on its own.

    The first compile runs twice, with two sets of stand-in values. The read is refused unless
    both give the same SQL and every parameter is either the same in both (a constant) or the
    stand-in of one value in both (a slot for that value)."""

    #: Shapes compiled per thread before the oldest are forgotten.
    max_templates = 64

    def __init__(self, columns: Columns, build: Callable[..., QuerySet]):
        self.columns = columns
        self.build = build
        self._local = threading.local()
        #: A compiled read of each of the columns' ``Linked`` lists, by the rows' ids.
        self.linked_reads = {
            name: CompiledRead(
                Columns(
                    linked.model,
                    (),
                    expressions={"key": F(linked.key), "value": F(linked.value)},
                ),
                linked.queryset,
            )
            for name, linked in columns.linked.items()
        }

    def rows(self, shape: dict | None = None, /, **values) -> list[dict]:
        shape = shape or {}
        template = self._template(shape, values)
        connection = connections[template.alias]
        with _cursor(connection) as cursor:
            cursor.execute(template.sql, template.bind(values))
            records = cursor.fetchall()
        rows = self.columns.decoded(template.converted(records, connection))
        if rows and self.linked_reads:
            ids = [row["id"] for row in rows]
            for name, read in self.linked_reads.items():
                pairs = [(row["key"], row["value"]) for row in read.rows(ids=ids)]
                self.columns.linked[name].attach(name, rows, pairs)
        return rows

    def first(self, **values) -> dict | None:
        rows = self.rows(**values)
        return rows[0] if rows else None

    def _template(self, shape: dict, values: dict) -> "_Template":
        templates = self._local.__dict__.setdefault("templates", {})
        key = (
            tuple(sorted(shape.items())),
            tuple(sorted((name, _value_kind(value)) for name, value in values.items())),
        )
        template = templates.get(key)
        if template is None:
            if len(templates) >= self.max_templates:
                templates.clear()
            template = templates[key] = _Template.compile(self, shape, values)
        return template


class _PreparedCursor(ServerBindingCursor):
    """psycopg's server-side binding cursor whose every statement is prepared: a compiled read's
    SQL is the same text on every call, so PostgreSQL parses and plans it once per connection
    instead of once per request."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


#: psycopg prepares a statement by itself after this many runs; a server-side binding cursor
#: other than ``_PreparedCursor`` would need to run one this often.
_ONLY_WHEN_ASKED = 2**31 - 1


def _cursor(connection):
    """A cursor of the connection; on PostgreSQL one that prepares its statements, unless
    queries are being logged (``DEBUG``, ``assertNumQueries``): Django logs a query by the text
    psycopg keeps of it, which a prepared execution does not keep."""
    if connection.vendor != "postgresql" or connection.queries_logged:
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django leaves psycopg's preparing off; on, it takes effect only where asked for: its
        # own cursors bind on the client and never prepare.
        connection.connection.prepare_threshold = _ONLY_WHEN_ASKED
    with connection.wrap_database_errors:
        return connection.make_cursor(_PreparedCursor(connection.connection))


def _value_kind(value) -> tuple:
    if isinstance(value, list):
        return (list, len(value), frozenset(map(type, value)))
    return (type(value),)


#: Stand-in numbers each value has, a list's items included.
_NUMBERS_PER_VALUE = 1_000_000
_STAND_IN_EPOCH = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)


def _stand_in(value, number: int, round_number: int):
    if isinstance(value, list):
        return [
            _stand_in(item, number + 1 + position, round_number)
            for position, item in enumerate(value)
        ]
    if isinstance(value, uuid.UUID):
        return uuid.UUID(int=(round_number << 64) | number)
    if isinstance(value, int) and not isinstance(value, bool):
        return 8_000_000_000_000_000 + round_number * 1_000_000_000_000 + number
    if isinstance(value, str):
        return f"compiled read stand-in {round_number}.{number}"
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return _STAND_IN_EPOCH + datetime.timedelta(days=round_number, microseconds=number)
    raise TypeError(
        "A compiled read takes uuids, integers, text, aware date-times and lists of them, "
        f"not {type(value).__name__}."
    )


def _naive_utc_text(value) -> str:
    return str(value.astimezone(datetime.UTC).replace(tzinfo=None))


# How the database's driver is given a value: as it is, or (SQLite) a uuid as its hex or text,
# a date-time as its naive UTC text.
_FORMS: tuple[Callable, ...] = (lambda value: value, lambda value: value.hex, str, _naive_utc_text)


@dataclass(frozen=True)
class _Template:
    alias: str
    sql: str
    # Per parameter: (value name, item position or None, form), or (None, None, constant).
    slots: tuple
    columns: int
    converters: tuple  # (position, Django's converters, expression)

    @classmethod
    def compile(cls, read: CompiledRead, shape: dict, values: dict) -> "_Template":
        names = sorted(values)
        rounds = [
            {
                name: _stand_in(values[name], number * _NUMBERS_PER_VALUE, round_number)
                for number, name in enumerate(names)
            }
            for round_number in (1, 2)
        ]
        compiled = []
        for stand_ins in rounds:
            queryset = read.build(**shape, **stand_ins).values_list(*read.columns.selected)
            compiler = queryset.query.get_compiler(using=queryset.db)
            compiled.append((queryset.db, compiler, *compiler.as_sql()))
        (alias, compiler, sql, params), (_, _, other_sql, other_params) = compiled
        if sql != other_sql or len(params) != len(other_params):
            raise ValueError("The read's SQL depends on its values: it cannot be compiled once.")
        candidates = [
            (name, position, first, second)
            for name in names
            for position, first, second in _items(rounds[0][name], rounds[1][name])
        ]
        slots, used = [], set()
        for param, other in zip(params, other_params, strict=True):
            if param == other:
                slots.append((None, None, param))
                continue
            slot = next(
                (
                    (name, position, form)
                    for name, position, first, second in candidates
                    for form in _FORMS
                    if _same(form, first, param) and _same(form, second, other)
                ),
                None,
            )
            if slot is None:
                raise ValueError(
                    f"A parameter of the read is neither constant nor a value: {param!r}"
                )
            slots.append(slot)
            used.add(slot[0])
        if used != {name for name in names if values[name] != []}:
            raise ValueError(f"The read does not use {sorted(set(names) - used)}.")
        fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
        converters = tuple(
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(fields).items()
        )
        return cls(alias, sql, tuple(slots), compiler.col_count, converters)

    def bind(self, values: dict) -> list:
        bound = []
        for name, position, form_or_constant in self.slots:
            if name is None:
                bound.append(form_or_constant)
                continue
            value = values[name]
            bound.append(form_or_constant(value if position is None else value[position]))
        return bound

    def converted(self, records: list, connection) -> list:
        if not self.converters and all(len(record) == self.columns for record in records[:1]):
            return records
        rows = []
        for record in records:
            row = list(record[: self.columns])
            for position, functions, expression in self.converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            rows.append(row)
        return rows


def _items(first, second):
    """A value's stand-ins in both rounds, and, for a list, each item's."""
    yield None, first, second
    if isinstance(first, list):
        for position, (item, other) in enumerate(zip(first, second, strict=True)):
            yield position, item, other


def _same(form: Callable, stand_in, param) -> bool:
    try:
        return form(stand_in) == param
    except AttributeError:  # an integer has no hex
        return False
