"""FilterSets of the connectors app, one per model, shared by the API lists and the pages."""

import django_filters
from django.db.models import Q

from connectors.lifecycle import State
from connectors.models import Connector, ConnectorDefinition, DefinitionStatus
from tenancy.models import Collection, Space


class CreatedFilterMixin(django_filters.FilterSet):
    created_after = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label="Created at or after (ISO 8601)"
    )
    created_before = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", label="Created before (ISO 8601)"
    )


class ConnectorFilter(CreatedFilterMixin):
    state = django_filters.MultipleChoiceFilter(choices=State.choices, label="State(s)")
    type = django_filters.CharFilter(
        field_name="definition__connector_id", label="Connector type (connector_id)"
    )
    name = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Name contains"
    )

    class Meta:
        model = Connector
        fields = ["state", "type", "name", "created_after", "created_before"]


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


class DefinitionFilter(django_filters.FilterSet):
    """The registry and the catalog: free text over name, id and description; category; status."""

    q = django_filters.CharFilter(method="search", label="Search")
    category = django_filters.ChoiceFilter(choices=(), label="Category", empty_label="Any category")
    status = django_filters.ChoiceFilter(
        choices=DefinitionStatus.choices, label="Status", empty_label="Any status"
    )

    class Meta:
        model = ConnectorDefinition
        fields = ["q", "category", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = (
            self.queryset.exclude(category="")
            .order_by("category")
            .values_list("category", flat=True)
            .distinct()
        )
        self.filters["category"].extra["choices"] = [(c, c) for c in categories]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value)
            | Q(connector_id__icontains=value)
            | Q(description__icontains=value)
            | Q(category__icontains=value)
        )
