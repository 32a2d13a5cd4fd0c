"""Keyset paging for the list pages: newest first; ``?before=<pk>`` shows the rows older than that
row and ``?after=<pk>`` the newer ones, so that the thousandth page costs what the first does;
``?at=oldest`` jumps to the oldest rows (the last page) at the same cost.

Rows are ordered by ``key`` (descending), whose last field must be unique (the primary key). With
the primary key alone, the pk in the link is the edge; with more fields (e.g. ``created_at``), the
edge row is read from the queryset itself, so a pk of another scope pages nothing."""

from django.core.exceptions import ValidationError
from django.db.models import Q

PAGE_SIZE = 50


def _pk(queryset, value):
    if value in (None, ""):
        return None
    try:
        return queryset.model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return None


def _edge(queryset, key: tuple[str, ...], value) -> tuple | None:
    pk = _pk(queryset, value)
    if pk is None:
        return None
    if key == ("id",) or key == ("pk",):
        return (pk,)
    row = queryset.filter(pk=pk).values_list(*key).first()
    return tuple(row) if row else None


def _beyond(key: tuple[str, ...], edge: tuple, lookup: str) -> Q:
    """Rows past ``edge`` in ``key`` order: (a, b) < (A, B) is a < A, or a = A and b < B."""
    condition = Q()
    for position, field in enumerate(key):
        equal = {name: edge[index] for index, name in enumerate(key[:position])}
        condition |= Q(**equal, **{f"{field}__{lookup}": edge[position]})
    return condition


def keyset_page(
    queryset, request, size: int = PAGE_SIZE, *, key=("id",), leading=()
) -> tuple[list, dict]:
    """One page of ``queryset`` and the pks that link to the next ones:
    ``{"older": pk or None, "newer": pk or None}``. ``leading``: fields the queryset's filter
    holds constant, ordered by first so that the index they lead gives the order."""
    key = tuple(key)
    leading = tuple(leading)
    newest_first = [f"-{field}" for field in (*leading, *key)]
    after = _edge(queryset, key, request.GET.get("after"))
    before = None if after else _edge(queryset, key, request.GET.get("before"))
    if after is None and before is None and request.GET.get("at") == "oldest":
        rows = list(queryset.order_by(*leading, *key)[: size + 1])
        has_older, has_newer = False, len(rows) > size
        rows = rows[:size]
        rows.reverse()
    elif after is not None:
        rows = list(queryset.filter(_beyond(key, after, "gt")).order_by(*leading, *key)[: size + 1])
        has_newer, has_older = len(rows) > size, True
        rows = rows[:size]
        rows.reverse()
    else:
        scoped = queryset.filter(_beyond(key, before, "lt")) if before is not None else queryset
        rows = list(scoped.order_by(*newest_first)[: size + 1])
        has_older, has_newer = len(rows) > size, before is not None
        rows = rows[:size]
    return rows, {
        "older": rows[-1].pk if rows and has_older else None,
        "newer": rows[0].pk if rows and has_newer else None,
        "at_newest": not has_newer,
        "at_oldest": not has_older,
    }
