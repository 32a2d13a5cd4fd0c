"""Named storage connectors (001): ``/connectors/<name>``.

Connectors are addressed by their exact (URL-encoded) name, or by their uuid. Names given here
follow the storage naming rule; connectors made through other APIs keep theirs. ``start``,
``stop`` and ``fail`` answer GET (as documented, API keys only) and POST.
"""

import re

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.db.models.functions import Upper
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import bodies
from api.connector_rows import ConnectorRowsMixin
from api.fields import MaskedConfigField
from config.api import openapi
from config.api.base import WorkspaceScopedMixin
from config.api.fast import FastRead, shows_utc
from config.api.filtering import names_a_filter
from config.api.idempotency import idempotent
from config.api.renderers import RawJson
from config.api.strict import StrictSerializer
from config.compiled_read import CompiledRead
from config.errors import InvalidInput, NotFound
from config.rows import Columns, JsonObject, JsonOf, UtcZ
from connectors import credentials, services
from connectors.filters import ConnectorFilter
from connectors.models import Connector
from tenancy.models import Workspace
from tenancy.selectors import as_uuid

STORAGE_TYPES = ("HttpData", "AmazonS3", "AzureStorage")
STORAGE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
STORAGE_NAME_RULE = (
    "Use 1-63 lower-case letters, digits and dashes, starting and ending with a letter or digit."
)


@transaction.atomic
def storage_connector_create(
    *, actor, workspace: Workspace, name: str, storage_type: str, storage_config: dict
) -> Connector:
    if not STORAGE_NAME.match(name):
        slash = "A name may not contain '/'. " if "/" in name else ""
        raise InvalidInput({"name": [slash + STORAGE_NAME_RULE]})
    definition = bodies.family_definition(storage_type, STORAGE_TYPES, "storage_type")
    config = bodies.prepared(definition, storage_config, bodies.under("storage_config"))
    return services.connector_create(
        actor=actor, workspace=workspace, definition=definition, name=name, config=config
    )


@transaction.atomic
def storage_connector_update(
    *, actor, connector: Connector, storage_type: str, storage_config: dict
) -> Connector:
    """001's PUT: the whole config again (masked secrets keep their stored values). Another
    ``storage_type`` moves the connector to that kind (``connector_change_kind``)."""
    if storage_type != connector.definition.connector_id:
        definition = bodies.family_definition(storage_type, STORAGE_TYPES, "storage_type")
        config = bodies.prepared(definition, storage_config, bodies.under("storage_config"))
        return services.connector_change_kind(
            actor=actor, connector=connector, definition=definition, config=config
        )
    stored = credentials.full_config(connector)
    config = bodies.prepared(
        connector.definition, storage_config, bodies.under("storage_config"), stored
    )
    return services.connector_update(actor=actor, connector=connector, config=config)


class StorageBodySerializer(StrictSerializer):
    storage_type = serializers.CharField(help_text=f"One of {', '.join(STORAGE_TYPES)}.")
    storage_config = serializers.DictField(
        help_text="The documented storage_config of that type; passwords and keys are secret."
    )


class StorageConnectorSerializer(FastRead, serializers.Serializer):
    """Shows connector rows (``selectors.connector_columns``)."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    storage_type = serializers.CharField(
        source="definition.connector_id",
        help_text="The connector's kind; connectors made through other APIs show theirs.",
    )
    storage_config = MaskedConfigField()
    state = serializers.SerializerMethodField(help_text="STARTING, RUNNING, STOPPED or FAILED.")
    state_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_state(self, connector) -> str:
        return connector["state"].upper()


NAME = openapi.path_id(
    "name", "The connector's exact name (URL-encoded), or its uuid.", OpenApiTypes.STR
)
STATE_CHANGE_NOTE = (
    " GET works with an API key, as documented; browser sessions must POST (with CSRF)."
)


def _state_change(summary: str, description: str):
    return extend_schema(
        summary=summary,
        description=description + STATE_CHANGE_NOTE,
        parameters=[NAME, openapi.WORKSPACE],
        request=None,
        responses={200: StorageConnectorSerializer, **openapi.errors(404, 405, 409)},
    )


@extend_schema(tags=[openapi.STORAGE])
@extend_schema_view(
    list=extend_schema(
        summary="List connectors",
        description="Every connector of the workspace, by name.",
        parameters=[openapi.WORKSPACE],
        responses={200: StorageConnectorSerializer(many=True), **openapi.errors()},
    ),
    create=extend_schema(
        summary="Create a connector",
        description="Creates the connector; it then starts up (checks its storage) in the "
        "background.",
        parameters=[NAME, openapi.IDEMPOTENCY_KEY, openapi.WORKSPACE],
        request=StorageBodySerializer,
        responses={201: StorageConnectorSerializer, **openapi.errors(409, 413, 415, 422)},
    ),
    update=extend_schema(
        summary="Edit a connector",
        description="The same payload as create; the connector restarts with the new config "
        "(a stopped one stays stopped). Sending `**********` keeps a stored secret. Another "
        "`storage_type` (HttpData, AmazonS3, AzureStorage) moves the connector to that kind: "
        "it keeps its id, name, collections and schedule, none of the old kind's secrets are "
        "kept, and its next full pass prunes the documents of the old source.",
        parameters=[NAME, openapi.WORKSPACE],
        request=StorageBodySerializer,
        responses={200: StorageConnectorSerializer, **openapi.errors(404, 409, 413, 415)},
    ),
    retrieve=extend_schema(
        summary="Get a connector",
        parameters=[NAME, openapi.WORKSPACE],
        responses={200: StorageConnectorSerializer, **openapi.errors(404)},
    ),
    destroy=extend_schema(
        summary="Delete a connector",
        parameters=[NAME, openapi.WORKSPACE],
        request=None,
        responses={204: None, **openapi.errors(404)},
    ),
    start=_state_change("Start a connector", "A stopped or failed connector starts up again."),
    stop=_state_change("Stop a connector", "Pauses its schedule and cancels a running sync."),
    fail=_state_change(
        "Fail a connector", "Puts a stuck connector into FAILED; then stop or delete it."
    ),
)
class StorageConnectorViewSet(ConnectorRowsMixin, WorkspaceScopedMixin, viewsets.GenericViewSet):
    queryset = Connector.objects.order_by("name", "id")
    serializer_class = StorageConnectorSerializer
    filterset_class = ConnectorFilter
    #: What ``StorageConnectorSerializer`` shows.
    row_names = (
        "id",
        "name",
        "definition.connector_id",
        "masked_config",
        "state",
        "state_reason",
        "created_at",
        "updated_at",
    )
    #: The list is every connector of the workspace in one answer, so on PostgreSQL the database
    #: writes each row's JSON: what ``StorageConnectorSerializer`` shows of it, byte for byte
    #: (tests/api/test_storage.py holds the two to the same answer). ``unmasked``: the row has no
    #: stored masked config (written before there was one); the serializer then makes it.
    written_rows = Columns(
        Connector,
        (),
        expressions={
            "json": JsonObject(
                id=F("id"),
                name=F("name"),
                storage_type=F("definition__connector_id"),
                storage_config=JsonOf("masked_config"),
                state=Upper("state"),
                state_reason=F("state_reason"),
                created_at=UtcZ("created_at"),
                updated_at=UtcZ("updated_at"),
            ),
            "unmasked": ExpressionWrapper(Q(masked_config=""), output_field=BooleanField()),
        },
    )
    state_changing_actions = frozenset({"start", "stop", "fail"})

    def _named(self, read):
        """``read(**lookup)`` of the connector the path names: by exact name, else by uuid."""
        name = self.kwargs["name"]
        found = read(name=name)
        if found is None and (pk := as_uuid(name)):
            found = read(pk=pk)
        if found is None:
            raise NotFound("Connector not found.")
        return found

    def get_object(self) -> Connector:
        return self._named(lambda **lookup: self.get_queryset().filter(**lookup).first())

    def _body(self, request) -> dict:
        body = StorageBodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def _show(self, connector, code=status.HTTP_200_OK) -> Response:
        row = self.connector_row(connector.pk)
        return Response(StorageConnectorSerializer(row).data, status=code)

    def list(self, request, *args, **kwargs):
        written = self._list_written_by_database()
        if written is not None:
            return Response(written)
        rows = self.all_rows()
        return Response(StorageConnectorSerializer(rows, many=True).data)

    def _list_written_by_database(self) -> RawJson | None:
        """The whole list as PostgreSQL writes it (``written_rows``), when nothing narrows it
        and date-times show in UTC; None otherwise."""
        if (
            connection.vendor != "postgresql"
            or not shows_utc()
            or not self._reads_compiled()
            or names_a_filter(self.request, self)
        ):
            return None
        read = self._compiled("written", lambda _: CompiledRead(self.written_rows, self._scoped))
        rows = read.rows(**self.scope_values())
        if any(row["unmasked"] for row in rows):
            return None
        return RawJson("[" + ",".join(row["json"] for row in rows) + "]")

    @idempotent
    def create(self, request, *args, **kwargs):
        body = self._body(request)
        connector = storage_connector_create(
            actor=self.actor, workspace=self.workspace, name=self.kwargs["name"], **body
        )
        return self._show(connector, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        connector = self.get_object()
        body = self._body(request)
        connector = storage_connector_update(actor=self.actor, connector=connector, **body)
        return self._show(connector)

    def retrieve(self, request, *args, **kwargs):
        row = self._named(self.scoped_connector_row)
        return Response(StorageConnectorSerializer(row).data)

    def destroy(self, request, *args, **kwargs):
        services.connector_delete(actor=self.actor, connector=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["get", "post"])
    def start(self, request, *args, **kwargs):
        return self._show(services.connector_start(actor=self.actor, connector=self.get_object()))

    @action(detail=True, methods=["get", "post"])
    def stop(self, request, *args, **kwargs):
        return self._show(services.connector_stop(actor=self.actor, connector=self.get_object()))

    @action(detail=True, methods=["get", "post"])
    def fail(self, request, *args, **kwargs):
        return self._show(services.connector_fail(actor=self.actor, connector=self.get_object()))


_list = StorageConnectorViewSet.as_view({"get": "list"})
_item = StorageConnectorViewSet.as_view(
    {"get": "retrieve", "post": "create", "put": "update", "delete": "destroy"}
)

# ``<path:name>``: a name holding a "/" (made through another family; this one refuses it with a
# 400) is addressable URL-encoded, as ``/connectors/a%2Fb``. The actions come first, so a name
# ending in "/start", "/stop" or "/fail" is reached by its uuid.
urlpatterns = [
    path("connectors", _list, name="storage-connector-list"),
    *(
        path(
            f"connectors/<path:name>/{action}",
            StorageConnectorViewSet.as_view({"get": action, "post": action}),
            name=f"storage-connector-{action}",
        )
        for action in ("start", "stop", "fail")
    ),
    path("connectors/<path:name>", _item, name="storage-connector-detail"),
]
