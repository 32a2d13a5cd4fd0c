"""Every API family's routes; each family module owns its own paths."""

from django.urls import include, path

from connectors.api import collections, live_sources, spaces, storage, uploads, workspaces
from syncs.api import changes, documents, syncs

urlpatterns = [path("", include("connectors.api.registry"))]
urlpatterns += live_sources.urlpatterns
urlpatterns += storage.urlpatterns
urlpatterns += spaces.urlpatterns
urlpatterns += collections.urlpatterns
urlpatterns += uploads.urlpatterns
urlpatterns += syncs.urlpatterns
urlpatterns += changes.urlpatterns  # before documents/<document_id>
urlpatterns += documents.urlpatterns
urlpatterns += workspaces.urlpatterns

from audit import api as audit_api  # noqa: E402
from webhooks import api as webhooks_api  # noqa: E402

urlpatterns += audit_api.urlpatterns
urlpatterns += webhooks_api.urlpatterns
