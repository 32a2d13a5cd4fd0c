"""Collection connectors (003): ``/v1/spaces/{space_id}/collections/{collection_id}/connectors``.

The list shows the collection's connectors (``scope=workspace``: every connector of the
workspace). A connector of the workspace can be read, edited and synced through any of its
collections' paths; DELETE removes it from this collection, and deletes it when no collection is
left.
"""

from django.db import transaction
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from api import bodies
from api.connector_rows import ConnectorRowsMixin
from api.fields import CollectionIdsField, MaskedConfigField, ScheduleSerializer
from config.api import openapi
from config.api.base import WorkspaceScopedMixin
from config.api.fast import FastRead
from config.api.idempotency import idempotent
from config.api.openapi import CONNECTOR_ID, NESTED
from config.api.pagination import KeysetPagination
from config.api.strict import StrictSerializer
from config.errors import InvalidInput
from connectors import credentials, schedules, services
from connectors.filters import ConnectorFilter
from connectors.models import Connector
from registry.schema.secrets import deep_merge
from tenancy.models import Collection


@transaction.atomic
def collection_connector_create(
    *,
    actor,
    collection: Collection,
    type_name: str,
    name: str,
    description: str = "",
    config: dict,
    secrets: dict,
    schedule: dict | None = None,
) -> Connector:
    """003: any kind, created in the collection's workspace and associated with it; ``schedule``
    is the body's optional ``{"type", "cron", "at", "timezone"}``."""
    definition = bodies.family_definition(type_name, None, "type")
    prepared = bodies.prepared(definition, deep_merge(config, secrets), bodies.under("config"))
    return services.connector_create(
        actor=actor,
        workspace=collection.space.workspace,
        definition=definition,
        name=name,
        description=description,
        config=prepared,
        collections=[collection],
        schedule=_body_schedule(schedule),
    )


def _body_schedule(schedule: dict | None) -> schedules.Schedule | None:
    if not schedule:
        return None
    timezone = schedule.get("timezone") or "UTC"
    if schedule.get("type") == "cron":
        return schedules.cron(schedule.get("cron") or "", timezone, field="schedule.cron")
    if schedule.get("type") == "when":
        if not schedule.get("at"):
            raise InvalidInput({"schedule.at": ["A date or date-time is required."]})
        return schedules.when(schedule["at"], timezone, field="schedule.at")
    return schedules.Schedule(timezone=timezone)


@transaction.atomic
def collection_connector_update(
    *,
    actor,
    connector: Connector,
    config: dict | None = None,
    secrets: dict | None = None,
    **fields,
) -> Connector:
    """003's PATCH: ``config`` is a JSON Merge Patch of the config, ``credentials`` deep-merged
    over it; ``name`` and ``description`` as given."""
    if config is not None or secrets is not None:
        stored = credentials.full_config(connector)
        patched = deep_merge(bodies.merge_patch(stored, config or {}), secrets or {})
        fields["config"] = bodies.prepared(
            connector.definition, patched, bodies.under("config"), stored
        )
    return services.connector_update(actor=actor, connector=connector, **fields)


class ScheduleInputSerializer(StrictSerializer):
    type = serializers.ChoiceField(
        choices=["none", "cron", "when"],
        help_text="none: syncs only when triggered; cron: `cron` in `timezone`; when: once, at `at`.",
    )
    cron = serializers.CharField(
        required=False, allow_blank=True, help_text="A 5-field cron expression."
    )
    at = serializers.CharField(required=False, help_text="A future ISO date or date-time.")
    timezone = serializers.CharField(required=False, default="UTC", max_length=64)


class ConnectorCreateSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    type = serializers.CharField(
        help_text="A connector type of the registry: its connector_id (the Live version) or "
        "its registry id (`<connector_id>-<version>`)."
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    config = serializers.DictField(
        required=False, default=dict, help_text="The config; defaults are filled in."
    )
    credentials = serializers.DictField(
        required=False,
        default=dict,
        help_text="Secret values, deep-merged into the config and stored encrypted.",
    )
    schedule = ScheduleInputSerializer(
        required=False,
        help_text="Optional; without it the schedule follows the config (e.g. pollingInterval).",
    )


class ConnectorPatchSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    config = serializers.DictField(
        required=False,
        help_text="A JSON Merge Patch of the config (null removes a key); `**********` keeps a "
        "stored secret.",
    )
    credentials = serializers.DictField(
        required=False, help_text="Secret values, deep-merged over the config."
    )

    def to_internal_value(self, data):
        if isinstance(data, dict) and "type" in data:
            raise serializers.ValidationError(
                {"type": ["The type of a connector cannot change through this API."]}
            )
        return super().to_internal_value(data)


class CollectionConnectorSerializer(FastRead, serializers.Serializer):
    """Shows connector rows (``selectors.connector_columns`` with collections)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    description = serializers.CharField()
    type = serializers.CharField(source="definition.connector_id")
    definition = serializers.CharField(
        source="definition.registry_id", help_text="The registry id of the connector's version."
    )
    config = MaskedConfigField()
    state = serializers.CharField(help_text="starting, running, stopped or failed.")
    state_reason = serializers.CharField()
    schedule = ScheduleSerializer(source="*")
    collections = CollectionIdsField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


SCOPE = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    enum=["collection", "workspace"],
    description="`collection` (default): this collection's connectors; `workspace`: every "
    "connector of the workspace.",
)


class ScopeSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=["collection", "workspace"], default="collection", required=False
    )


@extend_schema(tags=[openapi.COLLECTIONS])
@extend_schema_view(
    list=extend_schema(
        summary="List a collection's connectors",
        parameters=[*NESTED, SCOPE],
        responses={200: CollectionConnectorSerializer(many=True), **openapi.errors(404)},
    ),
    create=extend_schema(
        summary="Create a connector in a collection",
        description="Creates the connector in the space's workspace and associates it with the "
        "collection. `config` is validated against the type's spec, defaults applied.",
        parameters=[*NESTED, openapi.IDEMPOTENCY_KEY],
        request=ConnectorCreateSerializer,
        responses={201: CollectionConnectorSerializer, **openapi.errors(404, 409, 413, 415, 422)},
    ),
    retrieve=extend_schema(
        summary="Get a connector",
        parameters=[*NESTED, CONNECTOR_ID],
        responses={200: CollectionConnectorSerializer, **openapi.errors(404)},
    ),
    partial_update=extend_schema(
        summary="Edit a connector",
        description="A new config is re-checked (per the lifecycle) before syncs resume.",
        parameters=[*NESTED, CONNECTOR_ID],
        request=ConnectorPatchSerializer,
        responses={200: CollectionConnectorSerializer, **openapi.errors(404, 409, 413, 415)},
    ),
    destroy=extend_schema(
        summary="Remove a connector from the collection",
        description="Dissociates it; the connector itself is deleted when no collection is left.",
        parameters=[*NESTED, CONNECTOR_ID],
        request=None,
        responses={204: None, **openapi.errors(404)},
    ),
)
class CollectionConnectorViewSet(ConnectorRowsMixin, WorkspaceScopedMixin, viewsets.GenericViewSet):
    workspace_from = "space"
    queryset = Connector.objects.all()
    serializer_class = CollectionConnectorSerializer
    filterset_class = ConnectorFilter
    pagination_class = KeysetPagination
    keyset_ordering = ("created_at", "id")
    lookup_url_kwarg = "connector_id"
    row_collections = True
    path_checked_by_reads = frozenset({"list", "retrieve"})

    def _show(self, connector, code=status.HTTP_200_OK) -> Response:
        row = self.connector_row(connector.pk)
        return Response(CollectionConnectorSerializer(row).data, status=code)

    def list(self, request, *args, **kwargs):
        scope = request.query_params.get("scope", "collection")
        if scope not in ("collection", "workspace"):
            checked = ScopeSerializer(data=request.query_params)
            checked.is_valid(raise_exception=True)
            scope = checked.validated_data["scope"]
        lookup = {}
        if scope == "collection":
            # The scope checks the path, when it is unchecked: its collection's id is enough.
            lookup["associations__collection_id"] = self.path_collection().pk
        page = self.page_rows(**lookup)
        return self.get_paginated_response(CollectionConnectorSerializer(page, many=True).data)

    @idempotent
    def create(self, request, *args, **kwargs):
        body = ConnectorCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        connector = collection_connector_create(
            actor=self.actor,
            collection=self.collection,
            type_name=data["type"],
            name=data["name"],
            description=data["description"],
            config=data["config"],
            secrets=data["credentials"],
            schedule=data.get("schedule"),
        )
        return self._show(connector, status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        row = self.connector_row(self.kwargs["connector_id"])
        return Response(CollectionConnectorSerializer(row).data)

    def partial_update(self, request, *args, **kwargs):
        connector = self.get_object()
        body = ConnectorPatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        connector = collection_connector_update(
            actor=self.actor,
            connector=connector,
            config=data.pop("config", None),
            secrets=data.pop("credentials", None),
            **data,
        )
        return self._show(connector)

    def destroy(self, request, *args, **kwargs):
        services.connector_remove_from_collection(
            actor=self.actor, connector=self.get_object(), collection=self.collection
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


_PREFIX = "v1/spaces/<str:space_id>/collections/<str:collection_id>/connectors"

urlpatterns = [
    path(
        _PREFIX,
        CollectionConnectorViewSet.as_view({"get": "list", "post": "create"}),
        name="collection-connector-list",
    ),
    path(
        f"{_PREFIX}/<str:connector_id>",
        CollectionConnectorViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="collection-connector-detail",
    ),
]
