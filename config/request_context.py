"""Where the current change comes from: the client address of the request being served.

``RequestContextMiddleware`` sets it for the length of a request; ``config.events.emit``
reads it, so every domain event (and the audit trail built on them) records the request's IP
without any service taking it as an argument. Commands and tasks have none (``None``).
"""

import contextvars
import ipaddress
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "connector_hub_request", default=None
)


def current() -> RequestContext | None:
    return _current.get()


def client_ip(request) -> str | None:
    """``REMOTE_ADDR``, or the last ``X-Forwarded-For`` hop added by a trusted proxy count."""
    address = request.META.get("REMOTE_ADDR") or None
    proxies = settings.CONNECTOR_HUB_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(RequestContext(ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
