"""OpenAPI pieces shared by the API families: the key schemes, the error body, common headers."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from config.api.base import WORKSPACE_HEADER
from config.api.idempotency import HEADER as IDEMPOTENCY_HEADER

# Operation groups of the reference, named as the public documents the families follow.
LIVE_SOURCES = "Live sources (Layar)"
STORAGE = "Named storage connectors"
COLLECTIONS = "Collection connectors and syncs"
WORKSPACES = "Workspace connectors with schedulers"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "config.api.auth.ApiKeyAuthentication"
    name = ["apiKeyHeader", "bearerKey"]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            {"type": "http", "scheme": "bearer", "description": "The API key as a bearer token."},
        ]

    def get_security_requirement(self, auto_schema):
        # Either header will do.
        return [{"apiKeyHeader": []}, {"bearerKey": []}]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in a sentence.")
    code = serializers.CharField(help_text="A stable machine-readable code.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Field errors by dotted path (400 only).",
    )
    state = serializers.CharField(required=False, help_text="The connector's state (409 only).")
    allowed_actions = serializers.ListField(child=serializers.CharField(), required=False)
    active_sync = serializers.DictField(
        required=False, help_text="The sync that is already active (409 only)."
    )


_ERROR_TEXT = {
    400: "Invalid input: malformed JSON, a wrong type, an unknown value, a bad cursor.",
    401: "No API key, or an invalid or revoked one.",
    403: "The key or user may not do this (a viewer writing, another workspace).",
    404: "No such object in this workspace.",
    405: "This method is not allowed here.",
    409: "Conflict with the current state.",
    410: "The cursor is older than the changes the service keeps: start again without one.",
    413: "The request body is too large.",
    415: "The body is not JSON.",
    422: "The Idempotency-Key was already used with a different request.",
}


def errors(*codes: int) -> dict:
    """Error responses for ``extend_schema(responses=...)``; 400, 401 and 403 always apply."""
    wanted = sorted({400, 401, 403, *codes})
    return {
        code: OpenApiResponse(ErrorSerializer, description=_ERROR_TEXT[code]) for code in wanted
    }


IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Makes the POST safe to retry: the same key and body within 24 hours replay "
    "the first response (with `Idempotent-Replayed: true`).",
)
WORKSPACE = OpenApiParameter(
    WORKSPACE_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Browser sessions: the workspace (id or slug) to act on. API keys act on their "
    "own workspace.",
)


def path_id(name: str, description: str, type_=OpenApiTypes.UUID) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.PATH, description=description)


# The nested family's paths (003): its connectors, syncs and documents live under
# /v1/spaces/{space_id}/collections/{collection_id}/.
SPACE_ID = path_id("space_id", "The space's id.")
COLLECTION_ID = path_id("collection_id", "The collection's id.")
CONNECTOR_ID = path_id("connector_id", "The connector's id.")
NESTED = [SPACE_ID, COLLECTION_ID]
