"""The API reference pages (drf-spectacular-sidecar assets, no inline script)."""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView

from config.security_headers import relax_for_redoc


class RedocView(SpectacularRedocView):
    """Redoc inserts ``<style>`` elements and starts a blob worker at run time."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return relax_for_redoc(super().get(request, *args, **kwargs))
