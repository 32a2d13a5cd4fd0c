"""The registry's and the catalog's filter over definitions, shared by the pages."""

import django_filters
from django.db.models import Q

from registry.models import ConnectorDefinition, DefinitionStatus


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
