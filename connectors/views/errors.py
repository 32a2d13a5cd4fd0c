"""Not found and not allowed, in the pages' layout (workspace navigation included); under an
API's prefix, in that API's JSON error shape instead."""

from django.http import JsonResponse

from config.pages.base import page

#: Paths of the API families answering ``{"detail", "code"}`` errors; ``/v2/`` is the registry's,
#: with its own envelope.
API_PREFIXES = ("/v1/", "/layar/", "/connectors/", "/api/")
API_ROOTS = ("/v1", "/layar", "/connectors", "/api")
REGISTRY_PREFIX = "/v2/"


def api_not_found(path: str) -> JsonResponse | None:
    """The JSON 404 of the API family a path falls under, or None for a page's path."""
    if path.startswith(REGISTRY_PREFIX) or path == REGISTRY_PREFIX.rstrip("/"):
        from connectors.api.registry_envelope import failure_body

        body = failure_body("api.connectors", 404, "NOT_FOUND", "No such endpoint.")
        return JsonResponse(body, status=404)
    if path.startswith(API_PREFIXES) or path in API_ROOTS:
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return None


def not_found(request, exception=None):
    return api_not_found(request.path) or page(request, "404.html", status=404)


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    return page(request, "403.html", {"message": message}, status=403)
