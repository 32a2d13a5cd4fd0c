"""Syncs of a collection's connector (003): ``.../connectors/{connector_id}/sync``."""

from django.urls import path
from django.utils.functional import cached_property
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import openapi
from config.api.base import WorkspaceScopedMixin, scoped_to
from config.api.filtering import names_a_filter
from config.api.idempotency import idempotent
from config.api.openapi import CONNECTOR_ID, NESTED
from config.api.pagination import KeysetPagination, KeysetRead
from config.errors import Conflict
from connectors import selectors
from connectors.models import Connector
from syncs import selectors as sync_selectors
from syncs import services as sync_services
from syncs import start_rules
from syncs.filters import SyncFilter
from syncs.models import Sync, SyncTrigger
from syncs.serializers import SyncSerializer, SyncTriggerSerializer
from tenancy.selectors import CollectionPath, as_uuid

SYNC_ID = openapi.path_id("sync_id", "The sync's id.")
SYNC_ORDER = ("-queued_at", "-id")


def _syncs_of(connector_id, workspace_id, space_id=None, collection_id=None):
    """The syncs of a connector of the workspace that is not deleted (and, for a path not looked
    up yet, the existence of its collection)."""
    path = CollectionPath(workspace_id, space_id, collection_id) if space_id else None
    syncs = Sync.objects.filter(connector_id=connector_id, connector__deleted_at__isnull=True)
    return scoped_to(syncs, "connector__workspace", workspace_id, path)


#: A page of a connector's syncs, compiled once per page size and cursor or none.
_SYNCS_PAGE = KeysetRead(sync_selectors.SYNC_PAGE_COLUMNS, SYNC_ORDER, _syncs_of)


@extend_schema(tags=[openapi.COLLECTIONS])
@extend_schema_view(
    list=extend_schema(
        summary="List a connector's syncs",
        description="Newest first.",
        parameters=[*NESTED, CONNECTOR_ID],
        responses={200: SyncSerializer(many=True), **openapi.errors(404)},
    ),
    trigger=extend_schema(
        summary="Trigger a sync",
        description="Queues a sync (202). A connector still starting runs it once its check "
        "passes; a stopped or failed one refuses (409 with its state), as does one whose sync "
        "is already active (409 with that sync).",
        parameters=[*NESTED, CONNECTOR_ID, openapi.IDEMPOTENCY_KEY],
        request=SyncTriggerSerializer,
        responses={202: SyncSerializer, **openapi.errors(404, 409, 413, 415, 422)},
    ),
    retrieve=extend_schema(
        summary="Get a sync",
        parameters=[*NESTED, CONNECTOR_ID, SYNC_ID],
        responses={200: SyncSerializer, **openapi.errors(404)},
    ),
    cancel=extend_schema(
        summary="Cancel the active sync",
        description="A queued sync is cancelled at once, a running one moves to cancelling and "
        "stops at its next batch. 409 when no sync is active.",
        parameters=[*NESTED, CONNECTOR_ID],
        request=None,
        responses={200: SyncSerializer, **openapi.errors(404, 409)},
    ),
)
class ConnectorSyncViewSet(WorkspaceScopedMixin, viewsets.GenericViewSet):
    workspace_from = "space"
    workspace_field = "connector__workspace"
    queryset = Sync.objects.all()
    serializer_class = SyncSerializer
    filterset_class = SyncFilter
    pagination_class = KeysetPagination
    keyset_ordering = SYNC_ORDER
    lookup_url_kwarg = "sync_id"
    path_checked_by_reads = frozenset({"list"})

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action != "list":  # a list reads the syncs through the connector's id
            self.connector  # noqa: B018 (looked up now: a missing connector is a 404 first)

    @cached_property
    def connector(self) -> Connector:
        return selectors.connector_in(self.workspace, self.kwargs["connector_id"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Sync.objects.none()
        if self.action != "list":
            return self.scoped(sync_selectors.syncs_of(self.connector))
        # Not an id: the connector's lookup answers the 404.
        connector_id = as_uuid(self.kwargs["connector_id"]) or self.connector.pk
        syncs = sync_selectors.syncs_of(connector_id, attempts_as_rows=True)
        return self.scoped(syncs).filter(connector__deleted_at__isnull=True)

    def list(self, request, *args, **kwargs):
        connector_id = as_uuid(self.kwargs["connector_id"])
        if connector_id is None or names_a_filter(request, self):
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        else:
            values = self.scope_values(connector_id=connector_id)
            rows = self.paginator.paginate_read(request, self, _SYNCS_PAGE, **values)
            page = [sync_selectors.sync_from_row(row) for row in rows]
        if page:
            self.found_through_path(page)
        else:
            self.connector  # noqa: B018 (no sync: a 404 if the connector is missing)
        return self.get_paginated_response(SyncSerializer(page, many=True).data)

    @action(detail=False, methods=["post"])
    @idempotent
    def trigger(self, request, *args, **kwargs):
        body = SyncTriggerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sync = start_rules.sync_requested(
            actor=self.actor,
            connector=self.connector,
            trigger=SyncTrigger.API,
            collection=self.collection,
            full=body.validated_data["full"],
        )
        return Response(SyncSerializer(sync).data, status=status.HTTP_202_ACCEPTED)

    def retrieve(self, request, *args, **kwargs):
        return Response(SyncSerializer(self.get_object()).data)

    @action(detail=False, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        sync = sync_services.sync_cancel_active(actor=self.actor, connector=self.connector)
        if sync is None:
            raise Conflict("No sync of this connector is active.")
        return Response(SyncSerializer(sync).data)


_PREFIX = "v1/spaces/<str:space_id>/collections/<str:collection_id>/connectors/<str:connector_id>"

urlpatterns = [
    path(
        f"{_PREFIX}/sync",
        ConnectorSyncViewSet.as_view({"get": "list", "post": "trigger"}),
        name="connector-sync-list",
    ),
    path(
        f"{_PREFIX}/sync/cancel",
        ConnectorSyncViewSet.as_view({"post": "cancel"}),
        name="connector-sync-cancel",
    ),
    path(
        f"{_PREFIX}/sync/<str:sync_id>",
        ConnectorSyncViewSet.as_view({"get": "retrieve"}),
        name="connector-sync-detail",
    ),
]
