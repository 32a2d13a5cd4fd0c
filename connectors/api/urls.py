"""The connector families' routes (registry, live sources, storage, spaces, collections,
uploads, workspaces); each family module owns its own paths. ``config/urls.py`` puts the other
apps' API routes beside them."""

from django.urls import include, path

from connectors.api import collections, live_sources, spaces, storage, uploads

urlpatterns = [path("", include("connectors.api.registry"))]
urlpatterns += live_sources.urlpatterns
urlpatterns += storage.urlpatterns
urlpatterns += spaces.urlpatterns
urlpatterns += collections.urlpatterns
urlpatterns += uploads.urlpatterns
