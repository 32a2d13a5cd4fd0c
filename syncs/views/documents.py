"""Documents of a collection or a connector (filterable, paged by id so that a million documents
page as fast as ten), and one document."""

from config.pages.base import VIEW, page, workspace_page
from config.pages.paging import keyset_page
from connectors import selectors
from syncs import selectors as sync_selectors
from syncs.document_text import rendered_text
from syncs.filters import DocumentFilter
from tenancy import selectors as tenancy_selectors


def _listing(request, connector_ids, *, title, context):
    documents = sync_selectors.documents_of_connectors(connector_ids)
    filterset = DocumentFilter(
        request.GET or None,
        queryset=documents.select_related("connector").defer("content", "metadata"),
    )
    rows, pager = keyset_page(
        filterset.qs, request, leading=sync_selectors.document_key(connector_ids)[:-1]
    )
    return page(
        request,
        "documents/list.html",
        {
            "title": title,
            "documents": rows,
            "pager": pager,
            "filter": filterset,
            "filtered": any(
                request.GET.get(key) for key in ("title", "mime_type", "connector", "created_after")
            ),
            **context,
        },
    )


@workspace_page(VIEW)
def collection_documents(request, collection_id):
    collection = tenancy_selectors.collection_in_workspace(request.workspace, collection_id)
    return _listing(
        request,
        sync_selectors.collection_connector_ids(collection),
        title=f"Documents of {collection.name}",
        context={
            "section": "spaces",
            "collection": collection,
            "total": sync_selectors.collection_document_count(collection),
            "connectors": selectors.connectors_in(request.workspace)
            .filter(associations__collection=collection)
            .order_by("name"),
        },
    )


@workspace_page(VIEW)
def connector_documents(request, connector_id):
    connector = selectors.connector_in(request.workspace, connector_id)
    return _listing(
        request,
        [connector.pk],
        title=f"Documents of {connector.name}",
        context={
            "section": "connectors",
            "connector": connector,
            "total": sync_selectors.document_count(connector),
        },
    )


@workspace_page(VIEW)
def document_detail(request, document_id):
    document = sync_selectors.document_in(request.workspace, document_id)
    return page(
        request,
        "documents/detail.html",
        {
            "section": "connectors",
            "document": document,
            "connector": document.connector,
            "rendered": rendered_text(document),
        },
    )
