"""Who may read ``/metrics``: a request with ``Authorization: Bearer <CONNECTOR_HUB_METRICS_TOKEN>``
(when a token is set), or one whose address is in ``CONNECTOR_HUB_METRICS_ALLOWED_NETWORKS``.

The address is the connection's (``REMOTE_ADDR``), never a forwarded header a client can write;
behind a proxy, use the token.
"""

import hmac
import ipaddress
from functools import cache

from django.conf import settings
from django.http import JsonResponse


@cache
def _networks(spec: tuple[str, ...]):
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in spec if item.strip())


def _address_allowed(remote: str) -> bool:
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    networks = _networks(tuple(settings.CONNECTOR_HUB_METRICS_ALLOWED_NETWORKS))
    return any(address.version == net.version and address in net for net in networks)


def _token_matches(request) -> bool:
    token = settings.CONNECTOR_HUB_METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def metrics_refusal(request) -> JsonResponse | None:
    """None when the request may read the metrics, else the response refusing it."""
    if _token_matches(request) or _address_allowed(request.META.get("REMOTE_ADDR", "")):
        return None
    if settings.CONNECTOR_HUB_METRICS_TOKEN:
        response = JsonResponse(
            {"detail": "A valid bearer token is required.", "code": "not_authenticated"},
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return JsonResponse(
        {"detail": "Metrics are not available from this address.", "code": "permission_denied"},
        status=403,
    )
