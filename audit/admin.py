"""The audit trail in the admin: read-only; staff see the entries of the workspaces they own,
superusers every entry (registry changes belong to no workspace)."""

import json

from django.contrib import admin
from django.utils.html import format_html

from audit.models import AuditEntry
from tenancy.models import Membership, Role


def owned_workspace_ids(user):
    return Membership.objects.filter(user=user, role=Role.OWNER).values("workspace_id")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor", "object_type", "object_id", "ip", "workspace_id"]
    list_filter = ["action", "actor_type", "object_type"]
    search_fields = ["actor", "object_id", "action"]
    date_hierarchy = "at"
    fields = [
        "at",
        "workspace_id",
        "action",
        "actor",
        "actor_type",
        "object_type",
        "object_id",
        "ip",
        "details",
    ]
    readonly_fields = fields

    @admin.display(description="Details (secrets masked)")
    def details(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.data, indent=2, sort_keys=True))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(workspace_id__in=owned_workspace_ids(request.user))

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
