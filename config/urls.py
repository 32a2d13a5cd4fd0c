from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from audit import api as audit_api
from connectors import views
from connectors.api import workspaces as workspaces_api
from syncs.api import changes, documents, syncs
from webhooks import api as webhooks_api


def api_routes() -> list:
    """Every app's API routes, in the order they are matched."""
    return [
        path("", include("connectors.api.urls")),
        *syncs.urlpatterns,
        *changes.urlpatterns,  # before documents/<document_id>
        *documents.urlpatterns,
        *workspaces_api.urlpatterns,
        *audit_api.urlpatterns,
        *webhooks_api.urlpatterns,
    ]


urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("connectors.urls")),
    path("", include("syncs.urls")),
    path("", include("audit.urls")),
    path("", include("webhooks.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    # The reference used to have a second renderer here; Swagger UI is the one kept (Redoc loads
    # its footer logo from its vendor's CDN and needs inline styles).
    path(
        "api/redoc/",
        RedirectView.as_view(pattern_name="swagger-ui", permanent=True),
        name="redoc",
    ),
    *api_routes(),
]

if settings.CONNECTOR_HUB_BENCH_HELLO:
    from ops.views import AuthenticatedHelloView, HelloView

    urlpatterns.append(path("bench/hello", HelloView.as_view(), name="bench-hello"))
    urlpatterns.append(
        path("bench/hello-key", AuthenticatedHelloView.as_view(), name="bench-hello-key")
    )
handler404 = "connectors.views.errors.not_found"
handler403 = "connectors.views.errors.forbidden"
