"""Operations endpoints and request metrics.

``OperationsMiddleware`` answers ``/healthz``, ``/readyz`` and ``/metrics`` itself, before
Django's host validation and HTTPS redirect: probes and scrapers address a process by its own IP
and port over plain HTTP, which ``ALLOWED_HOSTS`` and ``SECURE_SSL_REDIRECT`` would refuse.
Nothing else is reachable that way. ``/metrics`` is protected by ``ops.access``.
"""

import time

from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse

from ops import access, health, metrics

HEALTHZ, READYZ, METRICS = "/healthz", "/readyz", "/metrics"
KNOWN_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def _no_store(response):
    response["Cache-Control"] = "no-store"
    return response


class OperationsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path not in (HEALTHZ, READYZ, METRICS):
            return self.get_response(request)
        request.metrics_route = path
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if path == HEALTHZ:
            return _no_store(JsonResponse({"status": "ok"}))
        if path == READYZ:
            ready, checks = health.readiness()
            body = {"status": "ready" if ready else "not ready", "checks": checks}
            response = JsonResponse(body, status=200 if ready else 503)
            response._has_been_logged = True  # ops.health logged the failing check already
            return _no_store(response)
        refusal = access.metrics_refusal(request)
        if refusal is not None:
            return refusal
        return _no_store(HttpResponse(metrics.exposition(), content_type=metrics.CONTENT_TYPE))


class RequestMetricsMiddleware:
    """Observes every request's latency under its URL pattern (not its path: ids would make
    one series per object), so the label set stays small."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        metrics.REQUEST_DURATION.labels(
            route=_route(request),
            method=request.method if request.method in KNOWN_METHODS else "other",
            status=str(response.status_code),
        ).observe(time.perf_counter() - started)
        return response


def _route(request) -> str:
    route = getattr(request, "metrics_route", None)
    if route:
        return route
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return "/" + (match.route or match.view_name or "")
