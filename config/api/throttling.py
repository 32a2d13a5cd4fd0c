"""Request rates of the API: per API key, per logged-in user, per client address otherwise.

Rates come from ``CONNECTOR_HUB_API_RATE_PER_KEY`` / ``..._PER_USER`` / ``..._ANONYMOUS`` (DRF's
``"<n>/<second|minute|hour|day>"``); ``CONNECTOR_HUB_THROTTLE_ENABLED=false`` switches every
limit off (the fuzzing run and most tests). Past the limit a request gets a 429 with
``Retry-After``.

Each caller has one counter per window (a minute for ``n/minute``) in Django's default cache,
added to atomically (``incr``: Redis' INCR), so at most ``n`` requests pass in a window however
many processes and threads serve them at once. Give production a shared cache (Redis) so that
every web process counts together.
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from config.request_context import client_ip
from tenancy.models import ApiKey

_parse_rate = SimpleRateThrottle.parse_rate


class ApiRateThrottle(BaseThrottle):
    """One throttle for the whole API; the rate depends on who calls."""

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
        allowed, seconds = _parse_rate(None, rate)
        if allowed is None:
            return True
        now = time.time()
        window = int(now // seconds)
        self.window_ends_at = (window + 1) * seconds
        self.now = now
        return count_request(f"throttle:api:{identity}:{seconds}:{window}", seconds) <= allowed

    def wait(self):
        return max(1, int(self.window_ends_at - self.now + 0.999))


def count_request(key: str, seconds: int) -> int:
    """Add one to the window's counter and return it (the counter starts at 0 and lives a
    little longer than its window)."""
    cache.add(key, 0, timeout=seconds + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: a fresh counter
        cache.add(key, 0, timeout=seconds + 1)
        return cache.incr(key)
