"""A collection's documents (003): those of the connectors associated with it."""

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response

from config.api import openapi
from config.api.base import WorkspaceScopedMixin
from config.api.filtering import names_a_filter
from config.api.openapi import NESTED
from config.api.pagination import KeysetPagination, KeysetRead
from syncs import selectors as sync_selectors
from syncs.filters import DocumentFilter
from syncs.models import Document
from syncs.serializers import DocumentDetailSerializer, DocumentSerializer
from tenancy.selectors import CollectionPath

DOCUMENT_ID = openapi.path_id("document_id", "The document's id.", OpenApiTypes.INT)

#: A page of the documents of some connectors, compiled once per page size and connector count.
_DOCUMENTS_PAGE = KeysetRead(
    sync_selectors.DOCUMENT_COLUMNS, ("id",), sync_selectors.documents_of_connectors
)


@extend_schema(tags=[openapi.COLLECTIONS])
@extend_schema_view(
    list=extend_schema(
        summary="List a collection's documents",
        description="Without their text; filter by `connector` to see one connector's.",
        parameters=NESTED,
        responses={200: DocumentSerializer(many=True), **openapi.errors(404)},
    ),
    retrieve=extend_schema(
        summary="Get a document with its text",
        parameters=[*NESTED, DOCUMENT_ID],
        responses={200: DocumentDetailSerializer, **openapi.errors(404)},
    ),
)
class CollectionDocumentViewSet(WorkspaceScopedMixin, viewsets.GenericViewSet):
    workspace_from = "space"
    workspace_field = "connector__workspace"
    queryset = Document.objects.all()
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    pagination_class = KeysetPagination
    keyset_ordering = ("id",)
    keyset_leading: tuple[str, ...] = ()
    lookup_url_kwarg = "document_id"
    path_checked_by_reads = frozenset({"list", "retrieve"})

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        # The collection belongs to the request's workspace, and so do the connectors whose
        # documents the selector reads: no join with the connectors is needed.
        connector_ids = sync_selectors.collection_connector_ids(self.path_collection())
        self.found_through_path(connector_ids)
        self.keyset_leading = sync_selectors.document_key(connector_ids)[:-1]
        return sync_selectors.documents_of_connectors(connector_ids)

    def read_rows(self, queryset) -> list[dict]:
        """A page of documents as plain rows (``KeysetPagination`` reads its pages with it)."""
        return sync_selectors.DOCUMENT_COLUMNS.rows(queryset)

    def list(self, request, *args, **kwargs):
        if names_a_filter(request, self):
            page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        else:
            page = self._page_of(sync_selectors.collection_connector_ids(self.path_collection()))
        return self.get_paginated_response(DocumentSerializer(page, many=True).data)

    def _page_of(self, connector_ids) -> "list[dict]":
        """The page of these connectors' documents, read by ``_DOCUMENTS_PAGE``."""
        self.found_through_path(connector_ids)
        if not connector_ids:
            self.paginator.next_cursor = None
            return []
        self.keyset_leading = sync_selectors.document_key(connector_ids)[:-1]
        return self.paginator.paginate_read(
            self.request, self, _DOCUMENTS_PAGE, connector_ids=connector_ids
        )

    def retrieve(self, request, *args, **kwargs):
        document_id = kwargs.get(self.lookup_url_kwarg, "")
        row = None
        if document_id.isascii() and document_id.isdigit() and len(document_id) < 19:
            path = self.path_collection()
            if isinstance(path, CollectionPath) and not request.query_params:
                row = sync_selectors.DOCUMENT_THROUGH_PATH.first(
                    workspace_id=path.workspace_id,
                    space_id=path.space_id,
                    collection_id=path.collection_id,
                    document_id=int(document_id),
                )
            else:
                document = sync_selectors.document_of_collection(path, int(document_id))
                row = sync_selectors.DOCUMENT_DETAIL_COLUMNS.first(self.filter_queryset(document))
        if row is None:
            raise Http404
        self.found_through_path(row)
        return Response(DocumentDetailSerializer(row).data)


_PREFIX = "v1/spaces/<str:space_id>/collections/<str:collection_id>/documents"

urlpatterns = [
    path(
        _PREFIX,
        CollectionDocumentViewSet.as_view({"get": "list"}),
        name="collection-document-list",
    ),
    path(
        f"{_PREFIX}/<str:document_id>",
        CollectionDocumentViewSet.as_view({"get": "retrieve"}),
        name="collection-document-detail",
    ),
]
