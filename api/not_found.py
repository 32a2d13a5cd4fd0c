"""An unmatched path under an API's prefix answers that API's JSON 404, not the 404 page."""

from django.http import JsonResponse

from api.registry_envelope import failure_body

#: Paths of the API families answering ``{"detail", "code"}`` errors; ``/v2/`` is the registry's,
#: with its own envelope.
API_PREFIXES = ("/v1/", "/layar/", "/connectors/", "/api/")
API_ROOTS = ("/v1", "/layar", "/connectors", "/api")
REGISTRY_PREFIX = "/v2/"


def api_not_found(path: str) -> JsonResponse | None:
    """The JSON 404 of the API family a path falls under, or None for a page's path."""
    if path.startswith(REGISTRY_PREFIX) or path == REGISTRY_PREFIX.rstrip("/"):
        body = failure_body("api.connectors", 404, "NOT_FOUND", "No such endpoint.")
        return JsonResponse(body, status=404)
    if path.startswith(API_PREFIXES) or path in API_ROOTS:
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return None
