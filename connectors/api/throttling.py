"""Request rates of the API: per API key, per logged-in user, per client address otherwise.

Rates come from ``CONNECTOR_HUB_API_RATE_PER_KEY`` / ``..._PER_USER`` / ``..._ANONYMOUS`` (DRF's
``"<n>/<second|minute|hour|day>"``); ``CONNECTOR_HUB_THROTTLE_ENABLED=false`` switches every
limit off (the fuzzing run and most tests). Past the limit a request gets a 429 with
``Retry-After``. Counters live in Django's default cache: give production a shared cache
(Redis) so that every web process counts together.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from connectors.models import ApiKey
from connectors.request_context import client_ip


class ApiRateThrottle(SimpleRateThrottle):
    """One throttle for the whole API; the rate depends on who calls."""

    scope = "api"

    def __init__(self):
        # The rate is chosen per request in allow_request (settings may change in tests).
        pass

    def _identity(self, request) -> tuple[str, str]:
        if isinstance(request.auth, ApiKey):
            return f"key:{request.auth.prefix}", settings.CONNECTOR_HUB_API_RATE_PER_KEY
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            return f"user:{user.pk}", settings.CONNECTOR_HUB_API_RATE_PER_USER
        return f"ip:{client_ip(request)}", settings.CONNECTOR_HUB_API_RATE_ANONYMOUS

    def allow_request(self, request, view):
        if not settings.CONNECTOR_HUB_THROTTLE_ENABLED:
            return True
        identity, rate = self._identity(request)
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        self.key = self.cache_format % {"scope": self.scope, "ident": identity}
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return self.key
