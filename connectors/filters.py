"""FilterSets of the connectors app, one per model, shared by the API lists and the pages."""

import django_filters

from connectors.lifecycle import State
from connectors.models import Connector
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
