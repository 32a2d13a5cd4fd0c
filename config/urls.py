from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.not_found import api_not_found
from config.pages import errors
from connectors import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("tenancy.urls")),
    path("", include("registry.urls")),
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
    path("", include("api.urls")),
]

if settings.CONNECTOR_HUB_BENCH_HELLO:
    from ops.views import AuthenticatedHelloView, HelloView

    urlpatterns.append(path("bench/hello", HelloView.as_view(), name="bench-hello"))
    urlpatterns.append(
        path("bench/hello-key", AuthenticatedHelloView.as_view(), name="bench-hello-key")
    )


def not_found(request, exception=None):
    """A path no route matches: the JSON 404 of the API it falls under, else the 404 page."""
    return api_not_found(request.path) or errors.not_found(request, exception)


handler404 = not_found
handler403 = errors.forbidden
