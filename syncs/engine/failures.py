"""What went wrong, in words a person can act on, and whether trying again may help.

Readers raise ``SourceError`` with a ``retryable`` flag. Errors a reader let through from its HTTP
client or driver are recognised here: timeouts, refused or reset connections, HTTP 429 and 5xx are
temporary; anything else is permanent. Messages never carry secrets (``redact``).
"""

import random
from dataclasses import dataclass

import httpx
from django.db import DatabaseError, InterfaceError, OperationalError

from config.crypto import DecryptionFailed
from config.errors import DomainError
from registry.schema.secrets import redact
from registry.sources.base import SourceError
from registry.sources.throttling import retry_after_seconds
from syncs.models import ErrorOrigin

MESSAGE_MAX = 2000
TEMPORARY_HTTP_STATUSES = {408, 425, 429, 500, 502, 503, 504}
# Connection-level errors of database drivers the kinds use, by qualified class name (the drivers
# are optional imports of the kinds, not of the engine).
TEMPORARY_DRIVER_ERRORS = {
    "psycopg.OperationalError",
    "psycopg.errors.ConnectionTimeout",
    "psycopg.errors.AdminShutdown",
    "pymysql.err.OperationalError",
    "botocore.exceptions.EndpointConnectionError",
    "botocore.exceptions.ConnectTimeoutError",
    "botocore.exceptions.ReadTimeoutError",
}
# Driver OperationalErrors that no retry fixes.
PERMANENT_HINTS = ("authentication", "password", "access denied", "does not exist", "permission")


@dataclass(frozen=True)
class Failure:
    origin: str
    type: str
    message: str
    retryable: bool
    retry_after: float | None = None


def _qualified_names(error: BaseException) -> set[str]:
    return {f"{cls.__module__}.{cls.__qualname__}" for cls in type(error).__mro__}


def _public_url(url) -> str:
    return str(url.copy_with(query=None, fragment=None, username=None, password=None))


def classify(error: BaseException, secret_values: list[str]) -> Failure:
    failure = _classify(error)
    message = redact(failure.message, secret_values)[:MESSAGE_MAX]
    return Failure(failure.origin, failure.type, message, failure.retryable, failure.retry_after)


def _classify(error: BaseException) -> Failure:
    name = type(error).__name__
    if isinstance(error, SourceError):
        return Failure(
            ErrorOrigin.SOURCE, error.type, error.message, error.retryable, error.retry_after
        )
    if isinstance(error, httpx.HTTPStatusError):
        status = error.response.status_code
        reason = error.response.reason_phrase
        return Failure(
            ErrorOrigin.SOURCE,
            f"HTTP{status}",
            f"The source answered HTTP {status} {reason} for {_public_url(error.request.url)}.",
            status in TEMPORARY_HTTP_STATUSES,
            retry_after_seconds(error.response.headers.get("retry-after")),
        )
    if isinstance(error, httpx.TimeoutException | TimeoutError):
        return Failure(
            ErrorOrigin.SOURCE, name, f"The source did not answer in time ({name}).", True
        )
    if isinstance(error, httpx.TransportError | ConnectionError):
        return Failure(
            ErrorOrigin.SOURCE, name, f"The connection to the source failed: {error}", True
        )
    if isinstance(error, DecryptionFailed | DomainError):
        return Failure(ErrorOrigin.CONFIG, name, str(error), False)
    if isinstance(error, OperationalError | InterfaceError):
        # Our own database (locked, restarted): the batch rolled back, so reading on is safe.
        return Failure(ErrorOrigin.SYSTEM, name, f"Database error: {error}", True)
    if isinstance(error, DatabaseError):
        return Failure(ErrorOrigin.SYSTEM, name, f"Database error: {error}", False)
    if _qualified_names(error) & TEMPORARY_DRIVER_ERRORS:
        text = str(error)
        temporary = not any(hint in text.lower() for hint in PERMANENT_HINTS)
        return Failure(ErrorOrigin.SOURCE, name, f"The source reported: {text}", temporary)
    return Failure(ErrorOrigin.SOURCE, name, f"{name}: {error}", False)


def backoff(attempt: int, *, base: float, cap: float, retry_after: float | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based): exponential with jitter, at least
    what the source asked for, at most ``cap``."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    wait = ceiling / 2 + random.uniform(0, ceiling / 2)
    if retry_after is not None:
        wait = max(wait, retry_after)
    return min(wait, cap)
