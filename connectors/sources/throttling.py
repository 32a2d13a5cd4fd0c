"""Rate limits: how long a service asks us to wait, and retrying a call it throttled.

Every reader treats a throttled call the same way: it waits what the service asks
(``Retry-After``, else a growing back-off) through ``context.sleep`` (so the heartbeat keeps
ticking and a cancel ends the wait) and tries again, up to ``ATTEMPTS`` calls in all. When the
service keeps refusing, or asks for a wait longer than ``MAX_INLINE_WAIT``, the reader raises
``RateLimited``, a retryable ``SourceError`` carrying ``retry_after``, and the sync is retried
later from the last saved cursor.
"""

import email.utils
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from connectors.sources.base import SourceContext, SourceError

ATTEMPTS = 4
BACKOFF = (2.0, 8.0, 30.0)
MAX_INLINE_WAIT = 60.0

T = TypeVar("T")


class RateLimited(SourceError):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message, retryable=True, retry_after=retry_after, type="RateLimited")


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or an HTTP date)."""
    if value is None or not str(value).strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def call_with_retries(call: Callable[[], T], context: SourceContext, *, service: str) -> T:
    """``call()``, retried in place while it raises ``RateLimited``."""
    for attempt in range(ATTEMPTS):
        try:
            return call()
        except RateLimited as limited:
            wait = limited.retry_after
            if wait is None:
                wait = BACKOFF[min(attempt, len(BACKOFF) - 1)]
            if attempt == ATTEMPTS - 1 or wait > MAX_INLINE_WAIT:
                raise RateLimited(limited.message, retry_after=wait) from None
            context.log(
                f"{service} is limiting the request rate; retrying in {wait:g} s.", "warning"
            )
            context.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover
