"""The connectors' FilterSet, shared by the API lists and the pages."""

import django_filters

from connectors.lifecycle import State
from connectors.models import Connector
from tenancy.filters import CreatedFilterMixin


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
