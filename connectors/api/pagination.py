"""Pages of lists.

``KeysetPagination`` (the collection API): ``limit`` (1-100, default 20) and an opaque ``cursor``;
answers ``{"data": [...], "next_cursor": "..." or null}``. The cursor holds the sort key of the
last row sent, signed so that a tampered cursor is refused (400); the next page is the rows after
that key, so rows inserted meanwhile never shift a page. One query per page, whatever its size.

``OffsetPage`` (the live-source API): the documented ``rows`` and ``start``.
"""

from django.core import signing
from django.db.models import Q
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

CURSOR_SALT = "connector-hub.api.cursor"


def _key_value(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value) if value is not None else None


def keyset_after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows strictly after ``values`` in ``ordering`` (``-field`` descending)."""
    condition, equal = Q(), {}
    for field, value in zip(ordering, values, strict=True):
        name = field.lstrip("-")
        operator = "lt" if field.startswith("-") else "gt"
        condition |= Q(**equal, **{f"{name}__{operator}": value})
        equal[name] = value
    return condition


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

    def paginate_queryset(self, queryset, request, view=None):
        ordering = tuple(view.keyset_ordering)
        params = LimitSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        limit = params.validated_data.get("limit", self.default_limit)
        cursor = params.validated_data.get("cursor")
        if cursor:
            try:
                values = signing.loads(cursor, salt=self._salt(view))
            except signing.BadSignature:
                raise ValidationError({"cursor": ["Invalid cursor."]}) from None
            if not isinstance(values, list) or len(values) != len(ordering):
                raise ValidationError({"cursor": ["Invalid cursor."]})
            queryset = queryset.filter(keyset_after(ordering, values))
        # Fields the view's filter holds constant lead the order, so that the index they lead
        # gives it (see ``syncs.selectors.document_key``).
        leading = tuple(getattr(view, "keyset_leading", ()))
        rows = list(queryset.order_by(*leading, *ordering)[: limit + 1])
        self.next_cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            key = [_key_value(getattr(last, field.lstrip("-"))) for field in ordering]
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


class OffsetPageSerializer(serializers.Serializer):
    rows = serializers.IntegerField(min_value=1, max_value=500, default=20, required=False)
    start = serializers.IntegerField(min_value=0, default=0, required=False)


def offset_page(queryset, params: dict, *, total: int | None = None):
    """``(rows of the page, total, rows, start)`` for the documented ``rows``/``start``;
    ``total`` when the caller knows it (a counter), else counted."""
    page = OffsetPageSerializer(data={k: params[k] for k in ("rows", "start") if k in params})
    page.is_valid(raise_exception=True)
    rows, start = page.validated_data.get("rows", 20), page.validated_data.get("start", 0)
    if total is None:
        total = queryset.count()
    return list(queryset[start : start + rows]), total, rows, start
