import django_filters

from audit.models import AuditEntry


class AuditEntryFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(label="Event name, e.g. connector.created")
    object_type = django_filters.CharFilter(label="connector, sync, workspace, apikey, ...")
    object_id = django_filters.CharFilter()
    actor = django_filters.CharFilter(label="user:<username>, key:<prefix> or system")
    at_after = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = django_filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["action", "object_type", "object_id", "actor", "at_after", "at_before"]
