"""FilterSets of spaces and collections, shared by the API lists and the pages."""

import django_filters

from tenancy.models import Collection, Space


class CreatedFilterMixin(django_filters.FilterSet):
    created_after = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label="Created at or after (ISO 8601)"
    )
    created_before = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", label="Created before (ISO 8601)"
    )


class SpaceFilter(CreatedFilterMixin):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")

    class Meta:
        model = Space
        fields = ["name", "created_after", "created_before"]


class CollectionFilter(CreatedFilterMixin):
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")

    class Meta:
        model = Collection
        fields = ["name", "created_after", "created_before"]
