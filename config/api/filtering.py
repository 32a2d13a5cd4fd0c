"""The API's filter backend: django-filter's, but a request that names none of the view's
filters skips building a FilterSet (which copies every declared filter): the queryset is what
an empty FilterSet would give, unfiltered."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None and not _names_a_filter(
            request.query_params, filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


def _names_a_filter(params, filters) -> bool:
    # Range filters read suffixed parameters (``<name>_after``): a prefix counts.
    return any(key.startswith(name) for key in params for name in filters)
