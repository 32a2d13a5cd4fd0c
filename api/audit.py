"""``GET /v1/audit``: the workspace's audit trail, newest first, keyset-paginated.

Readable by the workspace's owners and admin keys (MANAGE); an API key sees its own workspace's
trail only."""

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets

from audit.filters import AuditEntryFilter
from audit.models import AuditEntry
from audit.selectors import entries_of
from config.api import openapi
from config.api.base import WorkspaceScopedMixin
from config.api.pagination import KeysetPagination
from tenancy.permissions import MANAGE

TAG = "Audit trail"


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField(help_text="When the change was committed.")
    action = serializers.CharField(help_text="What happened, e.g. `connector.state_changed`.")
    actor = serializers.CharField(help_text="Who: `user:<username>`, `key:<prefix>` or `system`.")
    actor_type = serializers.ChoiceField(choices=["user", "key", "system"])
    object_type = serializers.CharField()
    object_id = serializers.CharField()
    ip = serializers.IPAddressField(
        allow_null=True, help_text="The client's address (none for commands and tasks)."
    )
    data = serializers.DictField(help_text="Details of the change; secret values masked.")


class AuditEntryViewSet(WorkspaceScopedMixin, viewsets.GenericViewSet):
    required_permission = MANAGE
    required_permission_message = "Only the workspace's owners and admin keys read its audit trail."
    queryset = AuditEntry.objects.all()
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    pagination_class = KeysetPagination
    keyset_ordering = ("-at", "-id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditEntry.objects.none()
        return entries_of(self.workspace)

    @extend_schema(
        tags=[TAG],
        operation_id="audit_entries_list",
        summary="List the workspace's audit trail",
        description="Every change to the workspace, its connectors, credentials, keys and syncs: "
        "who (user or API key), what, when and from which address, newest first. Owners and "
        "admin keys only.",
        parameters=[openapi.WORKSPACE],
        responses={200: AuditEntrySerializer(many=True), **openapi.errors()},
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(AuditEntrySerializer(page, many=True).data)


urlpatterns = [
    path("v1/audit", AuditEntryViewSet.as_view({"get": "list"}), name="audit-entry-list"),
]
