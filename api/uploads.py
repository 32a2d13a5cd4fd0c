"""``POST /v1/spaces/{space_id}/collections/{collection_id}/connectors/{connector_id}/files``:
one or more files (multipart) for an upload connector of that collection."""

from django.conf import settings
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import openapi
from config.api.base import WorkspaceScopedMixin
from config.api.openapi import COLLECTIONS
from config.errors import NotFound
from connectors import selectors
from syncs.uploads import UploadResult, upload_files


class UploadedFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    size = serializers.IntegerField()
    mime_type = serializers.CharField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()
    duplicate = serializers.BooleanField(
        help_text="The connector already held this content; it was not stored again."
    )


class UploadSyncSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()


class UploadResponseSerializer(serializers.Serializer):
    connector_id = serializers.UUIDField()
    files = UploadedFileSerializer(many=True)
    sync = UploadSyncSerializer(
        allow_null=True, help_text="The sync queued to read the new files, if one was."
    )


def upload_body(result: UploadResult, connector) -> dict:
    return {
        "connector_id": str(connector.pk),
        "files": [
            {
                "id": stored.file.pk,
                "name": stored.file.name,
                "size": stored.file.size,
                "mime_type": stored.file.mime_type,
                "sha256": stored.file.sha256,
                "uploaded_at": stored.file.uploaded_at.isoformat(),
                "duplicate": stored.duplicate,
            }
            for stored in result.files
        ],
        "sync": {"id": str(result.sync.pk), "status": result.sync.status} if result.sync else None,
    }


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


class ConnectorFilesView(WorkspaceScopedMixin, APIView):
    workspace_from = "space"
    parser_classes = [MultiPartParser]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        limit = settings.CONNECTOR_HUB_UPLOAD_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise exceptions.ParseError("Invalid Content-Length header.") from None
        if length > limit:
            raise RequestTooLarge(f"The upload is larger than the limit of {limit} bytes.")

    @extend_schema(
        operation_id="connector_files_upload",
        summary="Upload files to an upload connector",
        description=(
            "Multipart form with one or more files (any field name, e.g. `files`). Accepted "
            "types: txt, md, html, pdf, docx, csv, json, up to the configured size each. Content "
            "the connector already holds is not stored twice. A sync that reads the new files is "
            "queued unless one is already active."
        ),
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                },
                "required": ["files"],
            }
        },
        responses={201: UploadResponseSerializer, **openapi.errors(404, 413, 415)},
        tags=[COLLECTIONS],
    )
    def post(self, request, space_id, collection_id, connector_id):
        connector = selectors.connector_in(self.workspace, connector_id)
        if not connector.associations.filter(collection=self.collection).exists():
            raise NotFound("Connector not found in this collection.")
        files = [upload for name in request.FILES for upload in request.FILES.getlist(name)]
        result = upload_files(
            actor=self.actor, connector=connector, files=files, collection=self.collection
        )
        return Response(upload_body(result, connector), status=status.HTTP_201_CREATED)


urlpatterns = [
    path(
        "v1/spaces/<str:space_id>/collections/<str:collection_id>/connectors/<str:connector_id>/files",
        ConnectorFilesView.as_view(),
        name="connector-files",
    ),
]
