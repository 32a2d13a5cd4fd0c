"""Routes of the sync and document pages and live fragments (namespace ``syncs``)."""

from django.urls import path

from syncs.views import connector_pages, dashboard, documents
from syncs.views import syncs as views

app_name = "syncs"
W = "w/<slug:workspace_slug>/"

urlpatterns = [
    path(W, dashboard.dashboard, name="dashboard"),
    path(
        W + "connectors/<uuid:connector_id>/files/",
        connector_pages.connector_upload,
        name="connector_upload",
    ),
    path(
        W + "connectors/<uuid:connector_id>/activity/",
        views.connector_activity,
        name="connector_activity",
    ),
    path(W + "connectors/<uuid:connector_id>/sync/", views.sync_now, name="sync_now"),
    path(W + "syncs/", views.sync_history, name="history"),
    path(W + "syncs/running/", views.running_syncs, name="running"),
    path(W + "syncs/<uuid:sync_id>/", views.sync_detail, name="sync_detail"),
    path(W + "syncs/<uuid:sync_id>/live/", views.sync_live, name="sync_live"),
    path(W + "syncs/<uuid:sync_id>/cancel/", views.sync_cancel, name="sync_cancel"),
    path(
        W + "collections/<uuid:collection_id>/documents/",
        documents.collection_documents,
        name="collection_documents",
    ),
    path(
        W + "connectors/<uuid:connector_id>/documents/",
        documents.connector_documents,
        name="connector_documents",
    ),
    path(W + "documents/<int:document_id>/", documents.document_detail, name="document_detail"),
]
