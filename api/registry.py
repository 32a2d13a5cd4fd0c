"""The connector registry API (002, Obsrv v2): read a definition, register a distribution file,
list the registry. Answers in the registry's own envelope (``registry_envelope``)."""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from api import registry_envelope as envelope
from api.registry_validation import body_errors, sentence
from config import errors
from config.api.auth import actor_of
from config.api.parsers import BoundedJSONParser
from registry import selectors
from registry.models import DefinitionStatus
from registry.services import definition_register, require_registry_writer

logger = logging.getLogger(__name__)
TAG = "Connector registry (Obsrv v2)"
MULTIPART_SLACK_BYTES = 64 * 1024


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"


class RegistryView(APIView):
    """Shared behaviour: authentication as everywhere, errors in the registry envelope."""

    permission_classes = [IsAuthenticated]
    api_id = "api.connectors"
    invalid_code = "BAD_REQUEST"
    not_found_code = "CONNECTOR_NOT_FOUND"
    msgid = None

    def max_body_bytes(self) -> int:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise exceptions.ParseError("Invalid Content-Length header.") from None
        if length > self.max_body_bytes():
            raise PayloadTooLarge(f"The request body is larger than {self.max_body_bytes()} bytes.")

    def get_exception_handler(self):
        return self.error_response

    def error_response(self, exc, context):
        status, code, message = self.describe(exc)
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        wait = getattr(exc, "wait", None)
        if wait:
            headers["Retry-After"] = str(int(wait))
        return envelope.failure(
            self.api_id, status, code, message, msgid=self.msgid, headers=headers or None
        )

    def describe(self, exc) -> tuple[int, str, str]:
        if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
            status = 401 if getattr(exc, "auth_header", None) else 403
            return status, "UNAUTHORIZED", str(exc.detail)
        if isinstance(exc, errors.PermissionDenied | exceptions.PermissionDenied):
            return 403, "FORBIDDEN", getattr(exc, "message", None) or str(exc.detail)
        if isinstance(exc, errors.NotFound):
            return 404, self.not_found_code, exc.message
        if isinstance(exc, errors.Conflict):
            return 409, "CONNECTOR_ALREADY_EXISTS", exc.message
        if isinstance(exc, errors.DomainError):
            return exc.status, self.invalid_code, exc.message
        if isinstance(exc, exceptions.ParseError):
            return 400, self.invalid_code, f"The request body is not valid: {exc.detail}"
        if isinstance(exc, RecursionError):
            return 400, self.invalid_code, "The request body is nested too deeply."
        if isinstance(exc, RequestDataTooBig):
            return 413, "PAYLOAD_TOO_LARGE", "The request body is too large."
        if isinstance(exc, SuspiciousOperation):
            return 400, self.invalid_code, "The request could not be read."
        if isinstance(exc, exceptions.APIException):
            return exc.status_code, str(exc.default_code).upper(), str(exc.detail)
        logger.exception("Registry request failed")
        return 500, "INTERNAL_SERVER_ERROR", "Something went wrong; the request changed nothing."


ERRORS = {400: envelope.ErrorEnvelope, 401: envelope.ErrorEnvelope, 403: envelope.ErrorEnvelope}


class DefinitionReadView(RegistryView):
    api_id = "api.connectors.read"
    invalid_code = "CONNECTORS_READ_INPUT_INVALID"

    @extend_schema(
        tags=[TAG],
        operation_id="registry_connectors_read",
        summary="Read a connector definition",
        description="The Live version with this registry id; with `mode=edit`, the Draft one.",
        parameters=[
            OpenApiParameter(
                "connector_id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="Registry id `<connector_id>-<version>`, e.g. `postgres-connector-1.0.0`.",
            ),
            OpenApiParameter(
                "mode",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                enum=["edit"],
                description="`edit` reads the Draft version instead of the Live one.",
            ),
        ],
        responses={200: envelope.ReadEnvelope, 404: envelope.ErrorEnvelope, **ERRORS},
    )
    def get(self, request, connector_id: str):
        mode = str(request.query_params.get("mode", "")).lower()
        status = DefinitionStatus.DRAFT if mode == "edit" else DefinitionStatus.LIVE
        definition = selectors.definition_by_registry_id(connector_id, status)
        return envelope.success(self.api_id, envelope.DefinitionSerializer(definition).data)


LIST_BODY_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "enum": ["api.connectors.list"]},
        "ver": {"type": "string"},
        "ts": {"type": "string"},
        "params": {"type": "object", "properties": {"msgid": {"type": "string"}}},
        "request": {
            "type": "object",
            "properties": {
                "filters": {
                    "type": "object",
                    "properties": {
                        "status": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string", "enum": DefinitionStatus.values},
                        },
                        "category": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string", "maxLength": 100},
                        },
                    },
                    "additionalProperties": False,
                }
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}


class DefinitionListView(RegistryView):
    api_id = "api.connectors.list"
    invalid_code = "CONNECTORS_LIST_INPUT_INVALID"
    parser_classes = [BoundedJSONParser]

    @extend_schema(
        tags=[TAG],
        operation_id="registry_connectors_list",
        summary="List connector definitions",
        description="Filter by `request.filters.status` and `request.filters.category` (arrays); "
        "rows omit `ui_spec`.",
        request=envelope.ListRequest,
        responses={200: envelope.ListEnvelope, 413: envelope.ErrorEnvelope, **ERRORS},
    )
    def post(self, request):
        body = request.data
        params = body.get("params") if isinstance(body, dict) else None
        if isinstance(params, dict) and isinstance(params.get("msgid"), str):
            self.msgid = params["msgid"][:200]
        problems = body_errors(LIST_BODY_SCHEMA, body)
        if problems:
            raise errors.InvalidInput(problems, message=sentence(problems))
        filters = (body.get("request") or {}).get("filters") or {}
        rows = list(selectors.definitions(filters.get("status"), filters.get("category")))
        data = envelope.DefinitionRowSerializer(rows, many=True).data
        return envelope.success(self.api_id, {"data": data, "count": len(rows)}, msgid=self.msgid)


class DefinitionRegisterView(RegistryView):
    api_id = "api.connector.register"
    invalid_code = "FAILED_TO_REGISTER_CONNECTOR"
    parser_classes = [MultiPartParser, FormParser]

    def max_body_bytes(self) -> int:
        return settings.CONNECTOR_HUB_DISTRIBUTION_MAX_BYTES + MULTIPART_SLACK_BYTES

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require_registry_writer(actor_of(request))  # before reading any upload

    @extend_schema(
        tags=[TAG],
        operation_id="registry_connector_register",
        summary="Register a distribution file",
        description="Multipart upload of one distribution file (any field name). Registers one "
        "definition per connector of the package, Live (retiring other Live versions of the "
        "same connector_id) unless `status=Draft` is sent as a form field or query parameter. "
        "Needs an API key with the registry permission or a staff user.",
        request={"multipart/form-data": envelope.RegisterRequest},
        responses={
            200: envelope.RegisterEnvelope,
            409: envelope.ErrorEnvelope,
            413: envelope.ErrorEnvelope,
            **ERRORS,
        },
    )
    def post(self, request):
        uploads = [f for name in request.FILES for f in request.FILES.getlist(name)]
        if len(uploads) != 1:
            message = (
                "Uploading multiple files is not allowed: send exactly one distribution file."
                if uploads
                else "A distribution file is required (multipart/form-data, one file)."
            )
            return envelope.failure(self.api_id, 400, "FAILED_TO_UPLOAD", message)
        status = request.data.get("status") or request.query_params.get("status") or "Live"
        if status not in (DefinitionStatus.LIVE, DefinitionStatus.DRAFT):
            raise errors.InvalidInput({"status": ["Must be Live or Draft."]})
        upload = uploads[0]
        limit = settings.CONNECTOR_HUB_DISTRIBUTION_MAX_BYTES
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise PayloadTooLarge(f"The distribution file is larger than {limit} bytes.")
        registered = definition_register(
            actor=actor_of(request),
            data=data,
            filename=upload.name or "",
            draft=status == DefinitionStatus.DRAFT,
        )
        return envelope.success(
            self.api_id,
            {
                "message": "connector registered successfully.",
                "connectors": [{"id": d.registry_id, "status": d.status} for d in registered],
            },
        )


urlpatterns = [
    path(
        "v2/connectors/read/<str:connector_id>",
        DefinitionReadView.as_view(),
        name="registry-read",
    ),
    path("v2/connector/register", DefinitionRegisterView.as_view(), name="registry-register"),
    path("v2/connectors/list", DefinitionListView.as_view(), name="registry-list"),
]
