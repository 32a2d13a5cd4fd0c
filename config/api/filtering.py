"""The API's filter backend: django-filter's, but a request that names none of the view's
filters skips building a FilterSet (which copies every declared filter): the queryset is what
an empty FilterSet would give, unfiltered."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if not names_a_filter(request, view):
            return queryset
        return super().filter_queryset(request, queryset, view)


def names_a_filter(request, view) -> bool:
    """Whether the request names one of the view's filters: if not, its queryset is not
    filtered (and a compiled read of it gives the same rows)."""
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is None:
        return True  # the backend decides
    return _names_a_filter(request.query_params, filterset_class.base_filters)


def _names_a_filter(params, filters) -> bool:
    # Range filters read suffixed parameters (``<name>_after``): a prefix counts.
    return any(key.startswith(name) for key in params for name in filters)
