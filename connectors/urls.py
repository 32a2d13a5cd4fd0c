"""Routes of the pages (namespace ``connectors``). Workspace pages live under ``/w/<slug>/``."""

from django.urls import path

from connectors.views import (
    connector_form,
    connectors,
    workspaces,
)

app_name = "connectors"
W = "w/<slug:workspace_slug>/"
CONNECTOR = W + "connectors/<uuid:connector_id>/"

urlpatterns = [
    path("workspaces/switch/", workspaces.switch, name="workspace_switch"),
    path(W + "spaces/", workspaces.space_list, name="space_list"),
    path(W + "spaces/<uuid:space_id>/", workspaces.space_detail, name="space_detail"),
    path(W + "spaces/<uuid:space_id>/delete/", workspaces.space_delete, name="space_delete"),
    path(
        W + "collections/<uuid:collection_id>/",
        workspaces.collection_detail,
        name="collection_detail",
    ),
    path(
        W + "collections/<uuid:collection_id>/delete/",
        workspaces.collection_delete,
        name="collection_delete",
    ),
    path(W + "connectors/", connectors.connector_list, name="connector_list"),
    path(
        W + "connectors/new/<str:registry_id>/",
        connector_form.connector_create,
        name="connector_create",
    ),
    path(W + "schedule-preview/", connector_form.schedule_preview, name="schedule_preview"),
    path(CONNECTOR, connectors.connector_detail, name="connector_detail"),
    path(CONNECTOR + "edit/", connector_form.connector_edit, name="connector_edit"),
    path(CONNECTOR + "delete/", connectors.connector_delete, name="connector_delete"),
    path(CONNECTOR + "state/", connectors.connector_state, name="connector_state"),
    path(
        CONNECTOR + "collections/",
        connectors.connector_collection_add,
        name="connector_collection_add",
    ),
    path(
        CONNECTOR + "collections/<uuid:collection_id>/remove/",
        connectors.connector_collection_remove,
        name="connector_collection_remove",
    ),
]
