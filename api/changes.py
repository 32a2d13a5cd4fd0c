"""A collection's change feed (003): ``.../collections/{collection_id}/documents/changes``."""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from config.api import openapi
from config.api.base import WorkspaceScopedMixin
from config.api.openapi import NESTED
from syncs.feed import cursor as feed_cursor
from syncs.feed.encoding import FeedJSONRenderer
from syncs.feed.reader import (
    ALWAYS,
    DEFAULT_LIMIT,
    DOCUMENT_FIELDS,
    MAX_LIMIT,
    Page,
    changes_page,
    fields_from,
)
from syncs.models import Document

DESCRIPTION = f"""The changes of the collection's documents after `cursor`, as they were committed.
Store `next_cursor` and pass it as `cursor` next time: you receive each change once, none is
skipped (even when transactions commit in another order than they started), a document's changes
never arrive out of order, and a document changed several times in between comes once, in its
latest state.

- No `cursor`: from the beginning, every live document once, as an `upsert`; then the changes
  made since.
- `upsert` carries the document (with `content`, unless `fields` leaves it out); `delete` carries
  `id`, `external_id` and `connector_id`. A delete of a document you do not have is harmless.
- A connector associated with the collection brings its documents as upserts; dissociating or
  deleting it sends their deletes (they may stay in other collections).
- `has_more` is true when the page is full: ask again at once. Otherwise you have everything
  committed so far; `next_cursor` is still set, to poll with later (or when a
  `documents.changed` webhook arrives).
- A cursor older than what the service keeps (deletions are kept for the deleted-document
  retention period) is answered with a 410: start again without a cursor. A cursor that was
  altered, or that belongs to another collection, is a 400.
- `limit`: 1-{MAX_LIMIT} changes per page (default {DEFAULT_LIMIT}).
"""


class ChangesQuerySerializer(serializers.Serializer):
    cursor = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT, required=False
    )
    fields = serializers.CharField(required=False, max_length=1000)


class ChangedDocumentSerializer(serializers.Serializer):
    """For the schema only: pages are built from plain rows."""

    id = serializers.IntegerField()
    connector_id = serializers.UUIDField()
    external_id = serializers.CharField()
    title = serializers.CharField(required=False)
    url = serializers.CharField(required=False)
    mime_type = serializers.CharField(required=False)
    size = serializers.IntegerField(required=False)
    metadata = serializers.DictField(required=False)
    content_hash = serializers.CharField(required=False, help_text="SHA-256 of what is stored.")
    source_created_at = serializers.DateTimeField(required=False, allow_null=True)
    source_updated_at = serializers.DateTimeField(required=False, allow_null=True)
    first_seen_at = serializers.DateTimeField(required=False)
    content = serializers.CharField(required=False, help_text="The document's text.")


class ChangeSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=["upsert", "delete"])
    document = ChangedDocumentSerializer(
        help_text="upsert: the document (trimmed by `fields`); delete: its id, external_id and "
        "connector_id."
    )
    changed_at = serializers.DateTimeField(
        help_text="When the change was made: the document's write, or the connector's "
        "association or dissociation."
    )


class ChangesPageSerializer(serializers.Serializer):
    data = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(help_text="Pass as `cursor` next time (always set).")
    has_more = serializers.BooleanField(help_text="More changes are ready: ask again at once.")


def page_body(page: Page) -> dict:
    return {
        "data": [change.as_json() for change in page.changes],
        "next_cursor": page.cursor.dumps(),
        "has_more": page.more,
    }


@extend_schema(
    tags=[openapi.COLLECTIONS],
    summary="Read a collection's document changes",
    description=DESCRIPTION,
    parameters=[
        *NESTED,
        OpenApiParameter(
            "cursor",
            OpenApiTypes.STR,
            description="The `next_cursor` of the previous page; none (or empty) to start from "
            "the beginning.",
        ),
        OpenApiParameter(
            "limit",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            description=f"Changes per page, 1-{MAX_LIMIT} (default {DEFAULT_LIMIT}).",
        ),
        OpenApiParameter(
            "fields",
            OpenApiTypes.STR,
            description="Comma-separated document fields an upsert carries (always "
            f"{', '.join(ALWAYS)}), among: {', '.join(DOCUMENT_FIELDS)}. "
            "E.g. `fields=title,content_hash` to leave the text out.",
        ),
    ],
    responses={200: ChangesPageSerializer, **openapi.errors(404, 410)},
)
class CollectionChangesViewSet(WorkspaceScopedMixin, viewsets.GenericViewSet):
    workspace_from = "space"
    queryset = Document.objects.none()  # the reader queries; this names the model for the schema
    pagination_class = None
    renderer_classes = [FeedJSONRenderer]

    def read(self, request, *args, **kwargs):
        query = ChangesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        after = None
        if params.get("cursor"):
            after = feed_cursor.loads(params["cursor"], collection_id=self.collection.pk)
        page = changes_page(
            self.collection,
            after,
            limit=params.get("limit", DEFAULT_LIMIT),
            fields=fields_from(params.get("fields")),
        )
        return Response(page_body(page))


urlpatterns = [
    path(
        "v1/spaces/<str:space_id>/collections/<str:collection_id>/documents/changes",
        CollectionChangesViewSet.as_view({"get": "read"}),
        name="collection-document-changes",
    ),
]
