"""How webhook requests are signed, and how a receiver checks them.

Every request carries ``X-Connector-Hub-Signature: t=<unix seconds>,v1=<hex>`` where ``<hex>`` is
HMAC-SHA256, keyed with the subscription's secret, of ``"<t>.<raw request body>"``. A receiver
recomputes it over the exact bytes it received, compares in constant time, and refuses a ``t``
older than a few minutes (a replayed request keeps its old timestamp, and changing it breaks the
signature). ``X-Connector-Hub-Event`` names the event type and ``X-Connector-Hub-Delivery`` the
delivery id (the same on every retry of one delivery: use it to drop duplicates).
"""

import hashlib
import hmac
import secrets
import time

SIGNATURE_HEADER = "X-Connector-Hub-Signature"
EVENT_HEADER = "X-Connector-Hub-Event"
DELIVERY_HEADER = "X-Connector-Hub-Delivery"
DEFAULT_TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and is recent enough."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return hmac.compare_digest(expected, parts.get("v1", ""))
