"""Every API family's routes; each family module owns its own paths."""

from django.urls import include, path

urlpatterns = []
urlpatterns += [path("", include("connectors.api.registry"))]
