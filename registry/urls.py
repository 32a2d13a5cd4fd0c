"""Routes of the registry pages (namespace ``registry``): the registry itself (every version, for
staff to upload, publish and retire), the definitions' icons, and a workspace's catalog of Live
types to create connectors from."""

from django.urls import path

from registry.views import catalog, registry

app_name = "registry"

urlpatterns = [
    path("registry/", registry.registry, name="registry"),
    path("registry/upload/", registry.registry_upload, name="registry_upload"),
    path("registry/<int:pk>/publish/", registry.definition_promote, name="definition_promote"),
    path("registry/<int:pk>/retire/", registry.definition_retire, name="definition_retire"),
    path("registry/<int:pk>/icon/", catalog.definition_icon, name="definition_icon"),
    path("w/<slug:workspace_slug>/catalog/", catalog.catalog, name="catalog"),
]
