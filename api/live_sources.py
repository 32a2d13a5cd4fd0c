"""Live-source connectors (000): ``/layar/liveSource``.

Clients send parameters as a JSON body even on GET (the document's ``requests`` snippets), or as
query parameters; both work, the body winning. ``X-Vyasa-*`` headers are accepted and ignored.
"""

from types import SimpleNamespace

from django.db import transaction
from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import bodies
from api.connector_rows import ConnectorRowsMixin
from api.fields import MaskedConfigField, masked_config_of
from config.api import openapi
from config.api.base import WorkspaceScopedMixin
from config.api.fast import FastRead
from config.api.idempotency import idempotent
from config.api.pagination import MAX_START, offset_page
from config.api.parsers import body_and_query_params
from config.api.strict import StrictCharField
from config.errors import InvalidInput
from connectors import services
from connectors.filters import ConnectorFilter
from connectors.models import Connector
from registry.schema.secrets import MASK
from syncs import selectors as sync_selectors
from syncs.models import FINISHED_STATUSES
from syncs.serializers import (
    SyncAttemptSerializer,
    SyncCountsSerializer,
    SyncErrorSerializer,
    SyncProgressSerializer,
)
from tenancy.models import Workspace
from tenancy.selectors import as_uuid

LIVE_SOURCE_TYPES = ("WEBSITE", "RSS")


def normalised_run_mode(options: dict) -> dict:
    run_mode = options.get("runMode")
    if isinstance(run_mode, str):
        options = {**options, "runMode": run_mode.strip().upper()}
    return options


@transaction.atomic
def live_source_create(
    *,
    actor,
    workspace: Workspace,
    live_source_type: str,
    name: str,
    description: str = "",
    options: dict,
) -> Connector:
    """000: ``options`` are the body's other fields (``url``, ``runMode``, crawl options). A live
    source imports at once: its first sync is queued with it."""
    definition = bodies.family_definition(live_source_type, LIVE_SOURCE_TYPES, "liveSourceType")
    known = definition.ui_spec.get("schema", {}).get("properties", {})
    unknown = sorted(str(key) for key in options if key not in known)
    if unknown:
        raise InvalidInput(
            {
                key[:100]: [f"Unknown field: not an option of {definition.connector_id} sources."]
                for key in unknown[:20]
            }
        )
    config = bodies.prepared(definition, normalised_run_mode(options), bodies.under(""))
    return services.connector_create(
        actor=actor,
        workspace=workspace,
        definition=definition,
        name=name,
        description=description,
        config=config,
        import_now=True,
    )


BODY_FIELDS = ("liveSourceType", "name", "description", "id")


class LiveSourceCreateSerializer(serializers.Serializer):
    liveSourceType = StrictCharField(
        help_text=f"The kind of source: {', '.join(LIVE_SOURCE_TYPES)}."
    )
    name = StrictCharField(max_length=200)
    description = StrictCharField(required=False, allow_blank=True, default="")
    url = StrictCharField(required=False, help_text="The site or feed to import.")
    runMode = StrictCharField(
        required=False, help_text="RSS: SCAN_ONCE (default) or CONTINUOUS, in any case."
    )


class LiveSourceSerializer(FastRead, serializers.Serializer):
    """Shows connector rows (``selectors.connector_columns``)."""

    id = serializers.UUIDField(help_text="The connectorId of the other endpoints.")
    name = serializers.CharField()
    description = serializers.CharField()
    liveSourceType = serializers.CharField(
        source="definition.connector_id",
        help_text="The connector's kind; connectors made through other APIs show theirs.",
    )
    url = serializers.SerializerMethodField()
    runMode = serializers.SerializerMethodField()
    state = serializers.CharField()
    stateReason = serializers.CharField(source="state_reason")
    config = MaskedConfigField()
    createdAt = serializers.DateTimeField(source="created_at")
    updatedAt = serializers.DateTimeField(source="updated_at")

    def get_url(self, connector) -> str | None:
        return _shown_text(connector, "url")

    def get_runMode(self, connector) -> str | None:
        return _shown_text(connector, "runMode")


def _shown_text(connector, key: str) -> str | None:
    """A text value of the connector's config (``None`` for anything else, or a secret)."""
    value = masked_config_of(connector).get(key)
    return value if isinstance(value, str) and value != MASK else None


@extend_schema_serializer(many=False)
class LiveSourcePageSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    start = serializers.IntegerField()
    rows = serializers.IntegerField()
    liveSources = LiveSourceSerializer(many=True)


class JobStatusSerializer(serializers.Serializer):
    """Built from ``{"connector": ..., "sync": the latest sync or None}``."""

    connectorId = serializers.UUIDField(source="connector.pk")
    connectorState = serializers.CharField(source="connector.state")
    jobId = serializers.UUIDField(source="sync.pk", allow_null=True, default=None)
    status = serializers.CharField(
        source="sync.status",
        default="not_started",
        help_text="queued, running or cancelling while the import is under way; succeeded, "
        "failed or cancelled once it has finished (not_started: no import yet).",
    )
    finished = serializers.SerializerMethodField(
        help_text="true once the import has ended (succeeded, failed or cancelled)."
    )
    trigger = serializers.CharField(source="sync.trigger", allow_null=True, default=None)
    documents = SyncCountsSerializer(source="sync", allow_null=True, default=None)
    progress = SyncProgressSerializer(source="sync", allow_null=True, default=None)
    queuedAt = serializers.DateTimeField(source="sync.queued_at", allow_null=True, default=None)
    startedAt = serializers.DateTimeField(source="sync.started_at", allow_null=True, default=None)
    finishedAt = serializers.DateTimeField(source="sync.finished_at", allow_null=True, default=None)
    attempts = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    @extend_schema_field(SyncAttemptSerializer(many=True))
    def get_attempts(self, job):
        sync = job["sync"]
        return (
            []
            if sync is None
            else SyncAttemptSerializer(sync_selectors.attempts_of(sync), many=True).data
        )

    def get_finished(self, job) -> bool:
        return job["sync"] is not None and job["sync"].status in FINISHED_STATUSES

    @extend_schema_field(SyncErrorSerializer(allow_null=True))
    def get_error(self, job):
        sync = job["sync"]
        if sync is None or not (sync.error_message or sync.error_type):
            return None
        return SyncErrorSerializer(sync).data


class SourceDocumentSerializer(FastRead, serializers.Serializer):
    id = serializers.IntegerField()
    externalId = serializers.CharField(source="external_id")
    title = serializers.CharField()
    url = serializers.CharField()
    mimeType = serializers.CharField(source="mime_type")
    size = serializers.IntegerField()
    metadata = serializers.DictField()
    sourceCreatedAt = serializers.DateTimeField(source="source_created_at", allow_null=True)
    sourceUpdatedAt = serializers.DateTimeField(source="source_updated_at", allow_null=True)
    firstSeenAt = serializers.DateTimeField(source="first_seen_at")
    lastSeenAt = serializers.DateTimeField(source="last_seen_at")


class SourceDocumentPageSerializer(serializers.Serializer):
    connectorId = serializers.UUIDField()
    total = serializers.IntegerField()
    start = serializers.IntegerField()
    rows = serializers.IntegerField()
    documents = SourceDocumentSerializer(many=True)


class ConnectorIdParamsSerializer(serializers.Serializer):
    id = serializers.CharField(required=False, help_text="The connectorId again (optional).")


CONNECTOR_ID = openapi.path_id("connectorId", "The live source's id.")
PAGE_PARAMS = [
    OpenApiParameter("rows", OpenApiTypes.INT, description="Rows per page (1-500, default 20)."),
    OpenApiParameter(
        "start",
        {"type": "integer", "minimum": 0, "maximum": MAX_START},
        description="Offset of the first row (0 to 1,000,000,000).",
    ),
]
VYASA_HEADERS = [
    OpenApiParameter(
        header,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="Sent by Layar clients; accepted and not needed.",
    )
    for header in ("X-Vyasa-Client", "X-Vyasa-Data-Providers", "X-Vyasa-Data-Fabric")
]
GET_BODY_NOTE = (
    " Parameters may also be sent as a JSON object body on this GET, as Layar clients do."
)


@extend_schema(tags=[openapi.LIVE_SOURCES])
@extend_schema_view(
    list=extend_schema(
        summary="List live sources",
        description="Every connector of the workspace, oldest first." + GET_BODY_NOTE,
        parameters=[*PAGE_PARAMS, openapi.WORKSPACE, *VYASA_HEADERS],
        responses={200: LiveSourcePageSerializer, **openapi.errors()},
    ),
    create=extend_schema(
        summary="Create a live source",
        description="A WEBSITE or RSS source. Other body fields are source options stored in "
        "the config. The connector checks its source in the background and its first import "
        "is queued at once: poll jobStatus until `finished` is true.",
        request=LiveSourceCreateSerializer,
        parameters=[openapi.IDEMPOTENCY_KEY, openapi.WORKSPACE, *VYASA_HEADERS],
        responses={201: LiveSourceSerializer, **openapi.errors(409, 413, 415, 422)},
    ),
    retrieve=extend_schema(
        summary="Get a live source",
        parameters=[CONNECTOR_ID, openapi.WORKSPACE, *VYASA_HEADERS],
        responses={200: LiveSourceSerializer, **openapi.errors(404)},
    ),
    destroy=extend_schema(
        summary="Delete a live source",
        description="Removes the connector, its schedule, syncs and documents; then 404 "
        "everywhere.",
        parameters=[CONNECTOR_ID, openapi.WORKSPACE, *VYASA_HEADERS],
        request=None,
        responses={204: None, **openapi.errors(404)},
    ),
    job_status=extend_schema(
        summary="Import status",
        description="The state of the latest import (sync) of the connector." + GET_BODY_NOTE,
        parameters=[CONNECTOR_ID, openapi.WORKSPACE, *VYASA_HEADERS],
        request=None,
        responses={200: JobStatusSerializer, **openapi.errors(404)},
    ),
    source_documents=extend_schema(
        summary="Imported documents",
        description="A page of the connector's documents and their total." + GET_BODY_NOTE,
        parameters=[CONNECTOR_ID, *PAGE_PARAMS, openapi.WORKSPACE, *VYASA_HEADERS],
        request=None,
        responses={200: SourceDocumentPageSerializer, **openapi.errors(404)},
    ),
)
class LiveSourceViewSet(ConnectorRowsMixin, WorkspaceScopedMixin, viewsets.GenericViewSet):
    queryset = Connector.objects.order_by("created_at", "id")
    serializer_class = LiveSourceSerializer
    filterset_class = ConnectorFilter
    lookup_field = "pk"
    lookup_url_kwarg = "connectorId"

    def _check_given_id(self) -> None:
        """The connectorId may be repeated as ``id`` (query or body); it must then match."""
        params = body_and_query_params(self.request)
        if "id" not in params:
            return
        given = ConnectorIdParamsSerializer(data={"id": params["id"]})
        given.is_valid(raise_exception=True)
        if (
            "id" in given.validated_data
            and given.validated_data["id"] != self.kwargs["connectorId"]
        ):
            raise serializers.ValidationError(
                {"id": ["Does not match the connectorId of the path."]}
            )

    def get_object(self):
        self._check_given_id()
        return super().get_object()

    def _connector(self, *fields: str) -> dict:
        """These columns of the path's connector (checked as ``get_object`` checks it)."""
        self._check_given_id()
        pk = as_uuid(self.kwargs["connectorId"])
        found = self.get_queryset().filter(pk=pk).values(*fields).first() if pk else None
        if found is None:
            raise Http404
        return found

    def list(self, request, *args, **kwargs):
        connectors, total, rows, start = self.offset_rows(body_and_query_params(request))
        return Response(
            {
                "total": total,
                "start": start,
                "rows": rows,
                "liveSources": LiveSourceSerializer(connectors, many=True).data,
            }
        )

    @idempotent
    def create(self, request, *args, **kwargs):
        body = LiveSourceCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        options = {k: v for k, v in request.data.items() if k not in BODY_FIELDS}
        connector = live_source_create(
            actor=self.actor,
            workspace=self.workspace,
            live_source_type=body.validated_data["liveSourceType"],
            name=body.validated_data["name"],
            description=body.validated_data["description"],
            options=options,
        )
        row = self.connector_row(connector.pk)
        return Response(LiveSourceSerializer(row).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        self._check_given_id()
        return Response(LiveSourceSerializer(self.connector_row(self.kwargs["connectorId"])).data)

    def destroy(self, request, *args, **kwargs):
        services.connector_delete(actor=self.actor, connector=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["get"])
    def job_status(self, request, *args, **kwargs):
        self._check_given_id()
        pk = as_uuid(self.kwargs["connectorId"])
        sync = sync_selectors.latest_sync_in(self.workspace, pk) if pk else None
        if sync is None:  # no sync yet, or no such connector
            found = self._connector("id", "state")
            connector = SimpleNamespace(pk=found["id"], state=found["state"])
        else:
            connector = SimpleNamespace(pk=sync.connector_id, state=sync.connector_state)
        job = {"connector": connector, "sync": sync}
        return Response(JobStatusSerializer(job).data)

    @action(detail=True, methods=["get"])
    def source_documents(self, request, *args, **kwargs):
        # The connector and its live documents' counter (``syncs.document_stats``), in one query.
        found = self._connector("id", "document_count__live")
        key = sync_selectors.document_key([found["id"]])
        documents = sync_selectors.documents_of_connectors([found["id"]]).order_by(*key)
        page, total, rows, start = offset_page(
            documents,
            body_and_query_params(request),
            total=found["document_count__live"] or 0,
            read=sync_selectors.DOCUMENT_COLUMNS.rows,
        )
        return Response(
            {
                "connectorId": found["id"],
                "total": total,
                "start": start,
                "rows": rows,
                "documents": SourceDocumentSerializer(page, many=True).data,
            }
        )


_collection = LiveSourceViewSet.as_view({"get": "list", "post": "create"})
_item = LiveSourceViewSet.as_view({"get": "retrieve", "delete": "destroy"})
_job_status = LiveSourceViewSet.as_view({"get": "job_status"})
_documents = LiveSourceViewSet.as_view({"get": "source_documents"})

urlpatterns = [
    path("layar/liveSource", _collection, name="live-source-list"),
    path("layar/liveSource/<str:connectorId>", _item, name="live-source-detail"),
    path(
        "layar/liveSource/<str:connectorId>/jobStatus", _job_status, name="live-source-job-status"
    ),
    path(
        "layar/liveSource/<str:connectorId>/sourceDocuments",
        _documents,
        name="live-source-documents",
    ),
]
