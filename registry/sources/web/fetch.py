"""Fetching pages politely through the egress guard: one throttle per host, bounded bodies,
conditional requests, a few retries on answers that ask for them (``throttling``'s policy)."""

import email.utils
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

from config.errors import InvalidInput
from registry.sources import egress
from registry.sources.base import SourceError
from registry.sources.throttling import call_with_retries, retry_after_seconds

USER_AGENT = "ConnectorHubBot/1.0 (+https://github.com/connector-hub)"
MAX_BODY_BYTES = 10 * 1024 * 1024
MAX_RETRIES = 2
MAX_RETRY_WAIT_SECONDS = 10.0
RETRY_BACKOFF = (1.0, 2.0)
RETRY_STATUSES = {429, 500, 502, 503, 504}


@dataclass
class Fetched:
    url: str
    final_url: str = ""
    status: int = 0
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    error: str = ""
    #: Refused by the egress guard (never retried, never treated as a passing outage).
    refused: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def temporary(self) -> bool:
        """Worth trying again: the server asked for it (429, 5xx) or the connection failed."""
        if self.refused:
            return False
        return self.status in RETRY_STATUSES or bool(self.error and not self.status)

    @property
    def retry_after(self) -> float | None:
        return retry_after_seconds(self.headers.get("retry-after"))

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def last_modified(self) -> datetime | None:
        return parse_http_date(self.headers.get("last-modified"))


def parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class TemporaryAnswer(SourceError):
    """A fetch worth trying again, carrying what it got."""

    def __init__(self, result: Fetched):
        super().__init__(
            result.error or f"HTTP {result.status}", retryable=True, retry_after=result.retry_after
        )
        self.result = result


class Throttle:
    """At most one request start per ``interval`` seconds for each host."""

    def __init__(self, interval: float):
        self.interval = max(0.0, interval)
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.interval
        if start > now:
            time.sleep(start - now)


class Fetcher:
    """Thread-safe: one guarded httpx client shared by the crawl's worker threads."""

    def __init__(
        self,
        *,
        request_delay: float = 0.0,
        extra_headers: dict | None = None,
        retries: int = MAX_RETRIES,
        sleep=time.sleep,
    ):
        """``sleep`` waits between retries: a reader fetching on the engine's own thread passes
        ``context.sleep`` so the heartbeat goes on; crawl worker threads keep ``time.sleep``."""
        self.retries = retries
        self.sleep = sleep
        self.client = egress.http_client(
            headers={"User-Agent": USER_AGENT, **(extra_headers or {})},
            timeout=httpx.Timeout(30.0, connect=10.0),
            max_redirects=10,
        )
        self.throttle = Throttle(request_delay)

    def fetch(self, url: str, *, etag: str = "", modified: str = "") -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified

        def attempt() -> Fetched:
            result = self._fetch_once(url, headers)
            if result.temporary:
                raise TemporaryAnswer(result)
            return result

        try:
            return call_with_retries(
                attempt,
                None,
                service=urlsplit(url).hostname or url,
                retry_on=(TemporaryAnswer,),
                attempts=self.retries + 1,
                backoff=RETRY_BACKOFF,
                max_wait=MAX_RETRY_WAIT_SECONDS,
                sleep=self.sleep,
            )
        except TemporaryAnswer as last:
            return last.result

    def _fetch_once(self, url: str, headers: dict) -> Fetched:
        self.throttle.wait(urlsplit(url).hostname or "")
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                body = b""
                if response.status_code == 200:
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > MAX_BODY_BYTES:
                            return Fetched(
                                url,
                                str(response.url),
                                response.status_code,
                                dict(response.headers),
                                error=f"larger than {MAX_BODY_BYTES // (1024 * 1024)} MB",
                            )
                        chunks.append(chunk)
                    body = b"".join(chunks)
                return Fetched(
                    url, str(response.url), response.status_code, dict(response.headers), body
                )
        except egress.EgressRefused as error:
            return Fetched(url, error=error.message, refused=True)
        except httpx.TooManyRedirects:
            return Fetched(url, error="too many redirects", refused=True)
        except httpx.HTTPError as error:
            return Fetched(url, error=f"{type(error).__name__}")

    def get_required(self, url: str, what: str) -> Fetched:
        """A fetch whose failure stops the read with a SourceError naming ``what``."""
        result = self.fetch(url)
        if result.refused:
            raise SourceError(f"{what} ({url}): {result.error}")
        if result.error and not result.status:
            raise SourceError(
                f"Cannot reach {what} ({url}): {result.error}.", retryable=True, type="Unreachable"
            )
        return result

    def close(self) -> None:
        self.client.close()


def clean_start_url(value: str) -> str:
    """Surrounding blanks dropped and credentials in the URL refused; the scheme and host are the
    spec's rules (a ``pattern``), and ``check()`` names a URL that still cannot be read."""
    url = value.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        raise InvalidInput({"url": ["Must be a valid http:// or https:// URL."]}) from None
    if parts.username or parts.password:
        raise InvalidInput({"url": ["Must not contain a user name or password."]})
    return url


def clean_url(config: dict) -> dict:
    """A URL kind's config (web pages, feeds, HTTP data) with its ``url`` cleaned."""
    if isinstance(config, dict) and isinstance(config.get("url"), str):
        config["url"] = clean_start_url(config["url"])
    return config
