"""Pages of lists.

``KeysetPagination`` (the collection API): ``limit`` (1-100, default 20) and an opaque ``cursor``;
answers ``{"data": [...], "next_cursor": "..." or null}``. The cursor holds the sort key of the
last row sent, signed so that a tampered cursor is refused (400); the next page is the rows after
that key, so rows inserted meanwhile never shift a page. One query per page, whatever its size.

``OffsetPage`` (the live-source API): the documented ``rows`` and ``start``.
"""

import datetime
import re
import uuid

from django.core import signing
from django.db import models
from django.db.models import Q
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from config.compiled_read import CompiledRead
from config.rows import Columns

CURSOR_SALT = "connector-hub.api.cursor"
#: What ``signing.dumps`` writes: a cursor made only of these needs no further checks.
_CURSOR_TEXT = re.compile(r"[A-Za-z0-9_\-:.]{1,2000}")


def _key_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if value is not None else None


def _field_of(row, name: str):
    return row[name] if type(row) is dict else getattr(row, name)


def _plain_int(text, low: int, high: int) -> int | None:
    """``text`` as an int when it is plain digits within [low, high], else None (the
    serializer then decides, with its own messages)."""
    if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) < 10:
        value = int(text)
        if low <= value <= high:
            return value
    return None


def keyset_after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows strictly after ``values`` in ``ordering`` (``-field`` descending)."""
    condition, equal = Q(), {}
    for field, value in zip(ordering, values, strict=True):
        name = field.lstrip("-")
        operator = "lt" if field.startswith("-") else "gt"
        condition |= Q(**equal, **{f"{name}__{operator}": value})
        equal[name] = value
    return condition


class KeysetRead(CompiledRead):
    """A page of ``build(**values)`` in ``ordering`` (sort fields ending with a unique one)
    compiled once per page size and cursor or none: ``KeysetPagination.paginate_read`` reads
    it, with what a cursor holds bound in as values."""

    def __init__(self, columns: Columns, ordering: tuple[str, ...], build):
        self.ordering = tuple(ordering)
        super().__init__(columns, self._page)
        self.build_filtered = build

    def _page(self, limit: int, leading: tuple, after: int, **values):
        key = [values.pop(f"after_{position}") for position in range(after)]
        queryset = self.build_filtered(**values)
        if key:
            queryset = queryset.filter(keyset_after(self.ordering, key))
        return queryset.order_by(*leading, *self.ordering)[: limit + 1]

    def typed_key(self, texts: list) -> list:
        """A cursor's values (text) as the values of its fields, for binding."""
        try:
            return [
                _typed(self.columns.model._meta.get_field(field.lstrip("-")), text)
                for field, text in zip(self.ordering, texts, strict=True)
            ]
        except (TypeError, ValueError):
            raise ValidationError({"cursor": ["Invalid cursor."]}) from None


def _typed(field, text):
    if isinstance(field, models.DateTimeField):
        value = datetime.datetime.fromisoformat(text)
        if value.tzinfo is None:
            raise ValueError("a naive date-time")
        return value
    if isinstance(field, models.UUIDField):
        return uuid.UUID(text)
    if isinstance(field, models.IntegerField | models.AutoField):
        return int(text)
    return str(text)


class LimitSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20, required=False)
    cursor = serializers.CharField(required=False, allow_blank=False, max_length=2000)


class KeysetPagination(BasePagination):
    """The view sets ``keyset_ordering``: sort fields ending with a unique one, e.g.
    ``("created_at", "id")`` or ``("-queued_at", "-id")``."""

    default_limit = 20
    max_limit = 100

    def _salt(self, view) -> str:
        return f"{CURSOR_SALT}:{type(view).__name__}:{','.join(view.keyset_ordering)}"

    def _limit_and_cursor(self, query_params) -> tuple[int, str | None]:
        raw_limit, raw_cursor = query_params.get("limit"), query_params.get("cursor")
        limit = (
            self.default_limit if raw_limit is None else _plain_int(raw_limit, 1, self.max_limit)
        )
        if limit is not None and (raw_cursor is None or _CURSOR_TEXT.fullmatch(raw_cursor)):
            return limit, raw_cursor
        params = LimitSerializer(data=query_params)
        params.is_valid(raise_exception=True)
        return params.validated_data.get("limit", self.default_limit), params.validated_data.get(
            "cursor"
        )

    def _cursor_values(self, cursor: str, view) -> list:
        try:
            values = signing.loads(cursor, salt=self._salt(view))
        except signing.BadSignature:
            raise ValidationError({"cursor": ["Invalid cursor."]}) from None
        if not isinstance(values, list) or len(values) != len(view.keyset_ordering):
            raise ValidationError({"cursor": ["Invalid cursor."]})
        return values

    def paginate_queryset(self, queryset, request, view=None):
        """The page's rows: model instances, or what the view's ``read_rows(queryset)`` reads
        (e.g. plain rows)."""
        ordering = tuple(view.keyset_ordering)
        limit, cursor = self._limit_and_cursor(request.query_params)
        if cursor:
            queryset = queryset.filter(keyset_after(ordering, self._cursor_values(cursor, view)))
        # Fields the view's filter holds constant lead the order, so that the index they lead
        # gives it (see ``syncs.selectors.document_key``).
        leading = tuple(getattr(view, "keyset_leading", ()))
        read = getattr(view, "read_rows", list)
        return self._page(read(queryset.order_by(*leading, *ordering)[: limit + 1]), limit, view)

    def paginate_read(self, request, view, read: "KeysetRead", **values) -> list[dict]:
        """The same page as ``paginate_queryset`` of the ``KeysetRead``'s queryset for
        ``values``, read compiled: once per page size and cursor or none."""
        limit, cursor = self._limit_and_cursor(request.query_params)
        after = read.typed_key(self._cursor_values(cursor, view)) if cursor else []
        leading = tuple(getattr(view, "keyset_leading", ()))
        rows = read.rows(
            {"limit": limit, "leading": leading, "after": len(after)},
            **values,
            **{f"after_{position}": value for position, value in enumerate(after)},
        )
        return self._page(rows, limit, view)

    def _page(self, rows: list, limit: int, view) -> list:
        self.next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            key = [_key_value(_field_of(last, field.lstrip("-"))) for field in view.keyset_ordering]
            self.next_cursor = signing.dumps(key, salt=self._salt(view), compress=True)
        return rows

    def get_paginated_response(self, data):
        return Response({"data": data, "next_cursor": self.next_cursor})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["data", "next_cursor"],
            "properties": {
                "data": schema,
                "next_cursor": {
                    "type": "string",
                    "nullable": True,
                    "description": "Pass as `cursor` for the next page; null on the last page.",
                },
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": "Rows per page, 1-100.",
                "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
            },
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "description": "The `next_cursor` of the previous page (opaque).",
                "schema": {"type": "string"},
            },
        ]


# The largest offset a page may start at (a database's OFFSET is a 64-bit integer).
MAX_START = 10**9


class OffsetPageSerializer(serializers.Serializer):
    rows = serializers.IntegerField(min_value=1, max_value=500, default=20, required=False)
    start = serializers.IntegerField(min_value=0, max_value=MAX_START, default=0, required=False)


def _offset_params(params: dict) -> tuple[int, int]:
    rows = 20 if "rows" not in params else _plain_int(params["rows"], 1, 500)
    start = 0 if "start" not in params else _plain_int(params["start"], 0, MAX_START)
    if rows is not None and start is not None:
        return rows, start
    page = OffsetPageSerializer(data={k: params[k] for k in ("rows", "start") if k in params})
    page.is_valid(raise_exception=True)
    return page.validated_data.get("rows", 20), page.validated_data.get("start", 0)


def offset_page(queryset, params: dict, *, total: int | None = None, read=list, first_page=None):
    """``(rows of the page, total, rows, start)`` for the documented ``rows``/``start``;
    ``total`` when the caller knows it (a counter), else counted; ``read`` reads the sliced
    queryset (e.g. as plain rows); ``first_page(rows)``, when given, reads a page at start 0
    (e.g. through a compiled read)."""
    rows, start = _offset_params(params)
    if total is None:
        total = queryset.count()
    if start == 0 and first_page is not None:
        return first_page(rows), total, rows, start
    return read(queryset[start : start + rows]), total, rows, start
