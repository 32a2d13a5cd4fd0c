"""Rate limits and passing failures: how long a service asks us to wait, and retrying in place.

This is the one retry policy of the readers. A call that a service throttled (or, where the
caller says so, that failed in passing) is tried again up to ``ATTEMPTS`` times in all, after
waiting what the service asked (``Retry-After``), else a growing back-off (``BACKOFF``). Waits
go through ``context.sleep`` (the heartbeat keeps ticking and a cancel ends the wait) or the
``sleep`` a caller gives (crawl threads). When the service keeps refusing, or asks for a wait
longer than ``max_wait``, the last error is raised: a ``RateLimited`` carries ``retry_after``, so
the engine retries the sync later from the last saved cursor.
"""

import email.utils
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from registry.sources.base import SourceContext, SourceError

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


def retry_wait(attempt: int, retry_after: float | None, backoff=BACKOFF) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (0-based): what the service
    asked, else the back-off."""
    if retry_after is not None:
        return retry_after
    return backoff[min(attempt, len(backoff) - 1)]


def call_with_retries(
    call: Callable[[], T],
    context: SourceContext | None,
    *,
    service: str,
    retry_on: tuple[type[Exception], ...] = (RateLimited,),
    attempts: int = ATTEMPTS,
    backoff: tuple[float, ...] = BACKOFF,
    max_wait: float = MAX_INLINE_WAIT,
    sleep: Callable[[float], None] | None = None,
) -> T:
    """``call()``, retried in place while it raises one of ``retry_on`` (errors with an optional
    ``retry_after``). Without a ``context`` nothing is logged and ``sleep`` waits."""
    sleep = sleep or (context.sleep if context is not None else None)
    for attempt in range(attempts):
        try:
            return call()
        except retry_on as error:
            wait = retry_wait(attempt, getattr(error, "retry_after", None), backoff)
            if attempt == attempts - 1 or wait > max_wait:
                if isinstance(error, RateLimited):
                    raise RateLimited(error.message, retry_after=wait) from None
                raise
            if context is not None:
                context.log(
                    f"{service} is limiting the request rate; retrying in {wait:g} s."
                    if isinstance(error, RateLimited)
                    else f"{service} failed for a moment; retrying in {wait:g} s.",
                    "warning",
                )
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover
