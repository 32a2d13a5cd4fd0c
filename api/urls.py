"""Every API route, in the order they are matched; each module owns its own paths."""

from api import (
    audit,
    changes,
    collections,
    documents,
    live_sources,
    registry,
    spaces,
    storage,
    syncs,
    uploads,
    webhooks,
    workspaces,
)

urlpatterns = [
    *registry.urlpatterns,
    *live_sources.urlpatterns,
    *storage.urlpatterns,
    *spaces.urlpatterns,
    *collections.urlpatterns,
    *uploads.urlpatterns,
    *syncs.urlpatterns,
    *changes.urlpatterns,  # before documents/<document_id>
    *documents.urlpatterns,
    *workspaces.urlpatterns,
    *audit.urlpatterns,
    *webhooks.urlpatterns,
]
