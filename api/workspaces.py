"""Workspace connectors with schedulers (004): ``/v1/connector/...{workspace_id}``.

``{workspace_id}`` is the workspace's id or slug. A connector's config is shown as ``slots`` and
``credentials`` (the kind's top-level properties marked ``"encrypt": true``), secrets masked.
"""

from django.db import transaction
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import bodies
from api.connector_rows import ConnectorRowsMixin
from api.fields import CollectionIdsField, masked_config_of
from config.api import openapi
from config.api.base import WorkspaceScopedMixin
from config.api.fast import FastRead, isoformat
from config.api.idempotency import idempotent
from config.api.pagination import KeysetPagination
from config.api.strict import StrictSerializer
from config.errors import InvalidInput
from connectors import schedules, selectors, services
from connectors.filters import ConnectorFilter
from connectors.models import Connector, ScheduleType
from registry.schema.secrets import deep_merge
from syncs import selectors as sync_selectors
from syncs.serializers import SyncSerializer
from tenancy import selectors as tenancy_selectors
from tenancy.models import Workspace

WORKSPACE_TYPES = (
    "google_drive",
    "impersonated_google_drive",
    "web_scraper",
    "upload",
    "confluence",
    "jira",
    "sharepoint",
    "onedrive",
)


@transaction.atomic
def workspace_connector_create(
    *,
    actor,
    workspace: Workspace,
    type_name: str,
    name: str,
    slots: dict,
    secrets: dict,
    scheduler_type: str,
    scheduler_value: str | None,
    timezone: str = "UTC",
    connector_id=None,
) -> Connector:
    """004: the connector and its schedule, in one transaction; nothing is kept on any error."""
    definition = bodies.family_definition(type_name, WORKSPACE_TYPES, "type")
    schedule = schedules.from_scheduler(scheduler_type, scheduler_value, timezone)
    secret_keys = set(definition.credential_keys)

    def section(path: str) -> str:
        return "credentials" if path.split(".")[0] in secret_keys else "slots"

    config = bodies.prepared(definition, deep_merge(slots, secrets), section)
    return services.connector_create(
        actor=actor,
        workspace=workspace,
        definition=definition,
        name=name,
        config=config,
        schedule=schedule,
        connector_id=connector_id,
    )


WORKSPACE_ID = openapi.path_id("workspace_id", "The workspace's id or slug.", OpenApiTypes.STR)
CONNECTOR_ID = openapi.path_id("connector_id", "The connector's id.")
SCHEDULER_PARAMS = [
    OpenApiParameter(
        "scheduler_type",
        OpenApiTypes.STR,
        required=True,
        enum=["imed", "cron", "when"],
        description="imed: no schedule, the first sync starts when the connector is associated "
        "with a collection; cron: `scheduler_value` is a 5-field cron expression; when: "
        "`scheduler_value` is a future ISO date or date-time (one run).",
    ),
    OpenApiParameter("scheduler_value", OpenApiTypes.STR, description="See scheduler_type."),
    OpenApiParameter(
        "timezone", OpenApiTypes.STR, description="IANA timezone of the schedule (UTC)."
    ),
]


class SchedulerParamsSerializer(serializers.Serializer):
    scheduler_type = serializers.CharField()
    scheduler_value = serializers.CharField(required=False, allow_blank=True, default=None)
    timezone = serializers.CharField(required=False, default="UTC", max_length=64)


class WorkspaceConnectorBodySerializer(StrictSerializer):
    id = serializers.UUIDField(
        required=False, allow_null=True, help_text="Optional; a uuid is generated when absent."
    )
    name = serializers.CharField(max_length=200)
    type = serializers.CharField(help_text=f"One of: {', '.join(WORKSPACE_TYPES)}.")
    slots = serializers.DictField(
        required=False, default=dict, help_text="The type's slots (see the type's spec)."
    )
    credentials = serializers.DictField(
        required=False, default=dict, help_text="The type's credentials, stored encrypted."
    )


_SPLIT_SCHEMA = {
    "type": "object",
    "additionalProperties": True,
}


class WorkspaceConnectorSerializer(FastRead, serializers.Serializer):
    """Shows connector rows (``selectors.connector_columns`` with collections)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    type = serializers.CharField(source="definition.connector_id")
    workspace_id = serializers.UUIDField()
    slots = serializers.SerializerMethodField()
    credentials = serializers.SerializerMethodField(help_text="Secret values show as `**********`.")
    scheduler_type = serializers.CharField(
        source="schedule_type", help_text="imed, cron or when (none/once for other connectors)."
    )
    scheduler_value = serializers.SerializerMethodField()
    state = serializers.CharField()
    state_reason = serializers.CharField()
    collections = CollectionIdsField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    @extend_schema_field(_SPLIT_SCHEMA)
    def get_slots(self, connector):
        keys = connector["definition.credential_keys"]
        return {k: v for k, v in masked_config_of(connector).items() if k not in keys}

    @extend_schema_field(_SPLIT_SCHEMA)
    def get_credentials(self, connector):
        keys = connector["definition.credential_keys"]
        return {k: v for k, v in masked_config_of(connector).items() if k in keys}

    def get_scheduler_value(self, connector) -> str | None:
        if connector["schedule_type"] == ScheduleType.CRON:
            return connector["schedule_cron"]
        if connector["schedule_type"] == ScheduleType.WHEN and connector["schedule_at"]:
            return isoformat(connector["schedule_at"])
        return None


class AssociationBodySerializer(StrictSerializer):
    connector_id = serializers.UUIDField()
    collection_id = serializers.UUIDField()


class AssociationSerializer(serializers.Serializer):
    connector_id = serializers.UUIDField()
    collection_id = serializers.UUIDField()
    created_at = serializers.DateTimeField()
    sync = SyncSerializer(
        allow_null=True, help_text="The sync this association started (imed connectors)."
    )


@extend_schema(tags=[openapi.WORKSPACES])
@extend_schema_view(
    list=extend_schema(
        summary="List the workspace's connectors",
        parameters=[WORKSPACE_ID],
        responses={200: WorkspaceConnectorSerializer(many=True), **openapi.errors(404)},
    ),
    retrieve=extend_schema(
        summary="Get a connector",
        parameters=[WORKSPACE_ID, CONNECTOR_ID],
        responses={200: WorkspaceConnectorSerializer, **openapi.errors(404)},
    ),
    create=extend_schema(
        summary="Create Connector",
        description="Creates a connector and its schedule in one step: if either fails, "
        "nothing is created. A missing required slot, an unknown type, a cron type without a "
        "valid expression or a `when` date in the past is a 400 naming the problem.",
        parameters=[WORKSPACE_ID, *SCHEDULER_PARAMS, openapi.IDEMPOTENCY_KEY],
        request=WorkspaceConnectorBodySerializer,
        responses={201: WorkspaceConnectorSerializer, **openapi.errors(404, 409, 413, 415, 422)},
    ),
    associate=extend_schema(
        summary="Create connector-collection association",
        description="Associates a connector with a collection of the workspace; an `imed` "
        "connector's first sync starts now.",
        parameters=[WORKSPACE_ID, openapi.IDEMPOTENCY_KEY],
        request=AssociationBodySerializer,
        responses={201: AssociationSerializer, **openapi.errors(404, 409, 413, 415, 422)},
    ),
)
class WorkspaceConnectorViewSet(ConnectorRowsMixin, WorkspaceScopedMixin, viewsets.GenericViewSet):
    workspace_from = "path"
    queryset = Connector.objects.all()
    serializer_class = WorkspaceConnectorSerializer
    filterset_class = ConnectorFilter
    pagination_class = KeysetPagination
    keyset_ordering = ("created_at", "id")
    lookup_url_kwarg = "connector_id"
    row_collections = True

    def list(self, request, *args, **kwargs):
        known = {"limit", "cursor", *ConnectorFilter.base_filters}
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise InvalidInput(
                {
                    name[:100]: [f"Unknown query parameter; known: {', '.join(sorted(known))}."]
                    for name in unknown[:20]
                }
            )
        page = self.page_rows()
        return self.get_paginated_response(WorkspaceConnectorSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        row = self.connector_row(self.kwargs["connector_id"])
        return Response(WorkspaceConnectorSerializer(row).data)

    @idempotent
    def create(self, request, *args, **kwargs):
        params = SchedulerParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        body = WorkspaceConnectorBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        connector = workspace_connector_create(
            actor=self.actor,
            workspace=self.workspace,
            type_name=data["type"],
            name=data["name"],
            slots=data["slots"],
            secrets=data["credentials"],
            connector_id=data.get("id"),
            **params.validated_data,
        )
        return Response(
            WorkspaceConnectorSerializer(self.connector_row(connector.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @action(detail=False, methods=["post"])
    @idempotent
    def associate(self, request, *args, **kwargs):
        body = AssociationBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        connector = selectors.connector_in(self.workspace, body.validated_data["connector_id"])
        collection = tenancy_selectors.collection_in_workspace(
            self.workspace, body.validated_data["collection_id"]
        )
        association = services.connector_associate(
            actor=self.actor, connector=connector, collection=collection
        )
        latest = sync_selectors.latest_sync(connector)
        shown = {
            "connector_id": connector.pk,
            "collection_id": collection.pk,
            "created_at": association.created_at,
            "sync": latest if latest is not None and latest.is_active else None,
        }
        return Response(AssociationSerializer(shown).data, status=status.HTTP_201_CREATED)


_PREFIX = "v1/connector"

urlpatterns = [
    path(
        f"{_PREFIX}/create_connector/<str:workspace_id>",
        WorkspaceConnectorViewSet.as_view({"post": "create"}),
        name="workspace-connector-create",
    ),
    path(
        f"{_PREFIX}/create_connector_collection_association/<str:workspace_id>",
        WorkspaceConnectorViewSet.as_view({"post": "associate"}),
        name="workspace-connector-associate",
    ),
    path(
        f"{_PREFIX}/list_connectors/<str:workspace_id>",
        WorkspaceConnectorViewSet.as_view({"get": "list"}),
        name="workspace-connector-list",
    ),
    path(
        f"{_PREFIX}/get_connector/<str:workspace_id>/<str:connector_id>",
        WorkspaceConnectorViewSet.as_view({"get": "retrieve"}),
        name="workspace-connector-detail",
    ),
]
