"""FilterSets of the syncs app, one per model, shared by the API lists and the pages."""

import django_filters

from syncs.models import Document, Sync, SyncStatus, SyncTrigger


class SyncFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=SyncStatus.choices, label="Status(es)")
    trigger = django_filters.ChoiceFilter(choices=SyncTrigger.choices)
    created_after = django_filters.IsoDateTimeFilter(
        field_name="queued_at", lookup_expr="gte", label="Queued at or after (ISO 8601)"
    )
    created_before = django_filters.IsoDateTimeFilter(
        field_name="queued_at", lookup_expr="lt", label="Queued before (ISO 8601)"
    )

    class Meta:
        model = Sync
        fields = ["status", "trigger", "created_after", "created_before"]


class SyncHistoryFilter(SyncFilter):
    """The workspace's sync history page: the API's filters and the connector."""

    connector = django_filters.UUIDFilter(field_name="connector_id", label="Connector id")

    class Meta(SyncFilter.Meta):
        fields = ["connector", *SyncFilter.Meta.fields]


class DocumentFilter(django_filters.FilterSet):
    connector = django_filters.UUIDFilter(field_name="connector_id", label="Connector id")
    title = django_filters.CharFilter(lookup_expr="icontains", label="Title contains")
    mime_type = django_filters.CharFilter()
    created_after = django_filters.IsoDateTimeFilter(
        field_name="first_seen_at", lookup_expr="gte", label="First seen at or after (ISO 8601)"
    )
    created_before = django_filters.IsoDateTimeFilter(
        field_name="first_seen_at", lookup_expr="lt", label="First seen before (ISO 8601)"
    )

    class Meta:
        model = Document
        fields = ["connector", "title", "mime_type", "created_after", "created_before"]
