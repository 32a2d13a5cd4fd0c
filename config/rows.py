"""Plain rows for the reads that show many objects: a queryset's columns as dicts, without
building model instances.

A row is keyed by each column's name (``"definition.connector_id"`` for a related column, the
serializers' ``source`` spelling). Date-times come as ISO 8601 text in UTC
(``2026-01-31T08:00:00.250000+00:00``), formatted by the database: parsing a timestamp into a
``datetime`` and formatting it again costs more than the rest of a row. JSON columns are decoded
with orjson. Anything else comes as the database driver gives it (uuids as ``uuid.UUID``).
``compiled_read`` reads them by SQL compiled once.

On PostgreSQL the database can also write a row's JSON itself (``JsonObject``).
"""

import datetime
import json
from collections.abc import Callable, Iterable

import orjson
from django.db import NotSupportedError, models
from django.db.models import F, Func, QuerySet, Subquery
from django.db.models.expressions import Expression


class IsoDateTime(Func):
    """A timestamp as ``YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`` text, in UTC (on a database other
    than PostgreSQL and SQLite, the ``datetime`` itself: readers take both)."""

    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="""to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')""",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores an aware date-time as its UTC value, "YYYY-MM-DD HH:MM:SS[.ffffff]".
        return self.as_sql(
            compiler,
            connection,
            template="(REPLACE(%(expressions)s, ' ', 'T') || '+00:00')",
            **extra,
        )

    def as_sql(self, compiler, connection, function=None, template=None, **extra):
        if template is None:  # another database: the column itself, a datetime
            return compiler.compile(self.source_expressions[0])
        return super().as_sql(compiler, connection, function, template, **extra)


class JsonText(Func):
    """A JSON column as its text, decoded by the row reader (orjson) instead of the field."""

    template = "%(expressions)s"
    output_field = models.TextField()


class JsonObject(Func):
    """An object of the given members, written as compact JSON text by the database, members
    in their order (PostgreSQL only). Text is escaped by ``to_json``; uuids and ``UtcZ``
    date-times, which need no escaping, are quoted as they are; a ``JsonOf`` member is copied.
    Built by concatenation: a third of the cost of ``json_build_object``."""

    output_field = models.TextField()

    def __init__(self, **members: Expression):
        if not all(key.isidentifier() for key in members):
            raise ValueError("A member's name is written into the SQL: use an identifier.")
        self.keys = tuple(members)
        super().__init__(*members.values())

    def as_postgresql(self, compiler, connection, **extra):
        parts, params = [], []
        for number, (key, expression) in enumerate(
            zip(self.keys, self.get_source_expressions(), strict=True)
        ):
            sql, expression_params = compiler.compile(expression)
            params.extend(expression_params)
            if isinstance(expression, JsonOf):
                value = sql
            elif isinstance(expression, UtcZ) or isinstance(
                expression.output_field, models.UUIDField
            ):
                value = f"""'"' || {sql} || '"'"""
            else:
                value = f"to_json({sql})::text"
            opening = "{" if number == 0 else ","
            parts.append(f"""'{opening}"{key}":' || coalesce({value}, 'null')""")
        return "(" + " || ".join([*parts, "'}'"]) + ")", params

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("JsonObject is written by PostgreSQL only.")


class JsonOf(Func):
    """A text column holding JSON: a ``JsonObject`` member copied as it is."""

    template = "%(expressions)s"
    output_field = models.TextField()


class UtcZ(Func):
    """A timestamp as DRF shows it in UTC, ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z`` (PostgreSQL): the
    text ``DateTimeField.to_representation`` writes when the current time zone is UTC."""

    template = (
        "replace(to_char(%(expressions)s AT TIME ZONE 'UTC', "
        """'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), '.000000Z', 'Z')"""
    )
    output_field = models.TextField()


class ObjectList(Func):
    """The rows a correlated subquery selects as one JSON object each (``values(row=JSONObject(
    ...))``), in its order, as one column of the outer query: an array of JSON texts
    (PostgreSQL) or a JSON array; ``json_objects`` decodes it into a list of dicts."""

    output_field = models.TextField()

    def __init__(self, queryset: QuerySet):
        (self.column,) = (*queryset.query.values_select, *queryset.query.annotation_select)
        super().__init__(Subquery(queryset))

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="ARRAY%(expressions)s", **extra)

    def as_sql(self, compiler, connection, function=None, template=None, **extra):
        if template is None:  # SQLite (and JSON1 elsewhere)
            column = connection.ops.quote_name(self.column)
            template = f"(SELECT json_group_array(json({column})) FROM %(expressions)s)"
        return super().as_sql(compiler, connection, function, template, **extra)


def json_objects(values) -> list[dict]:
    """An ``ObjectList`` column as read: a JSON array (SQLite) or an array of JSON texts."""
    if isinstance(values, str | bytes):
        return orjson.loads(values)
    return [orjson.loads(value) if isinstance(value, str | bytes) else value for value in values]


class Linked:
    """A list each row of a read shows: the ``value`` column (uuids, as text) of the rows of
    ``model`` whose ``key`` is the read row's ``id``, in ``order``.

    It is read for all the rows of a read at once, by one more query, rather than by a
    correlated subquery per row: on a small link table PostgreSQL's planner, once it has
    statistics, scans the whole table for every row (a fifth of a page's database time at 200
    links); the one query costs a round trip whatever the plan."""

    def __init__(self, model, key: str, value: str, order: str = "id"):
        self.model, self.key, self.value, self.order = model, key, value, order

    def queryset(self, ids: list) -> QuerySet:
        manager = self.model._default_manager
        return manager.filter(**{f"{self.key}__in": ids}).order_by(self.order)

    def attach(self, name: str, rows: list[dict], pairs: Iterable[tuple]) -> None:
        """Give each row its list, from the (key, value) ``pairs`` read for them all."""
        lists = {row["id"]: [] for row in rows}
        for key, value in pairs:
            lists[key].append(str(value))
        for row in rows:
            row[name] = lists[row["id"]]


def as_datetime(value) -> datetime.datetime | None:
    """A date-time read as a row's text (or a datetime) as a ``datetime``."""
    if isinstance(value, str):
        return datetime.datetime.fromisoformat(value)
    return value


def _decode_json(text):
    if not isinstance(text, str | bytes):
        return text  # None, or a value the database decoded already
    if not text:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # e.g. an integer past 64 bits, which json keeps
        return json.loads(text)


def _column(model, lookup: str) -> tuple[Expression | str, Callable | None]:
    """How to select ``lookup`` (a field path of ``model``) and how to decode what comes back."""
    field = None
    opts = model._meta
    for part in lookup.split("__"):
        field = opts.get_field(part)
        if field.is_relation and field.related_model is not None:
            opts = field.related_model._meta
    if isinstance(field, models.ForeignKey):
        return lookup, None
    if isinstance(field, models.DateTimeField):
        return IsoDateTime(F(lookup)), None
    if isinstance(field, models.JSONField):
        return JsonText(F(lookup)), _decode_json
    return lookup, None


class Columns:
    """A set of columns of one model, read together: ``names`` are the row keys, each the
    field path with ``.`` (``"definition.connector_id"``); ``json`` names more text columns
    holding JSON (decoded too); ``linked`` adds lists read by one more query (``Linked``; the
    names must include ``id``); ``expressions`` adds columns of any other expression, as the
    database gives them."""

    def __init__(
        self,
        model,
        names: Iterable[str],
        *,
        json: Iterable[str] = (),
        linked: dict[str, Linked] | None = None,
        expressions: dict[str, Expression] | None = None,
    ):
        self.model = model
        self.names = (*names, *(expressions or ()))
        self.linked = linked or {}
        selected, decoders = [], []
        json = set(json)
        for name in self.names:
            if expressions and name in expressions:
                selected.append(expressions[name])
                decoders.append(None)
                continue
            lookup = name.replace(".", "__")
            expression, decode = _column(model, lookup)
            if name in json:
                decode = _decode_json
            selected.append(expression)
            decoders.append(decode)
        self.selected = tuple(selected)
        self._decoders = tuple(
            (name, decode) for name, decode in zip(self.names, decoders, strict=True) if decode
        )

    def rows(self, queryset) -> list[dict]:
        """The rows of ``queryset`` (already filtered, ordered and sliced) as dicts."""
        rows = self.decoded(queryset.values_list(*self.selected))
        if rows:
            ids = [row["id"] for row in rows]
            for name, linked in self.linked.items():
                pairs = linked.queryset(ids).values_list(linked.key, linked.value)
                linked.attach(name, rows, pairs)
        return rows

    def decoded(self, records: Iterable) -> list[dict]:
        """Rows of values as the database and Django's converters give them, as dicts."""
        names, decoders = self.names, self._decoders
        found = [dict(zip(names, values, strict=True)) for values in records]
        for name, decode in decoders:
            for row in found:
                row[name] = decode(row[name])
        return found

    def first(self, queryset) -> dict | None:
        rows = self.rows(queryset[:1])
        return rows[0] if rows else None
