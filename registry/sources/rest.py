"""A JSON REST API reached through the egress guard, with HTTP statuses turned into
``SourceError``s the same way for every service (Atlassian, Microsoft Graph).

401 means the credentials were refused, 403 a missing permission, 404 something not found,
429 and 503 a rate limit (retried as ``throttling`` describes), other 5xx a retryable failure.
Links a service returns (next pages, downloads) are followed only on the service's own origin,
so credentials never travel to another host.
"""

import json
import ssl
from contextlib import contextmanager
from functools import cache
from urllib.parse import urlsplit

import certifi
import httpx
from django.conf import settings

from registry.schema.secrets import redact
from registry.sources.base import SourceContext, SourceError
from registry.sources.egress import check_url, http_client
from registry.sources.throttling import RateLimited, call_with_retries, retry_after_seconds


class ApiError(SourceError):
    """An error answer of a service: ``status`` and the service's own error ``code``."""

    def __init__(self, message, *, status, code="", headers=None, retryable=False, type=None):
        super().__init__(message, retryable=retryable, type=type)
        self.status = status
        self.code = code
        self.headers = headers or {}


class TooLarge(SourceError):
    def __init__(self, limit: int):
        super().__init__(f"The file is larger than {limit // (1024 * 1024)} MB.", type="TooLarge")


@cache
def _tls_context(extra_ca_file: str) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=certifi.where())
    if extra_ca_file:
        context.load_verify_locations(cafile=extra_ca_file)
    return context


def tls_verify() -> ssl.SSLContext:
    """Public CAs plus the operator's extra CA file (``CONNECTOR_HUB_EXTRA_CA_FILE``), for
    self-hosted services behind a company CA."""
    return _tls_context(getattr(settings, "CONNECTOR_HUB_EXTRA_CA_FILE", "") or "")


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def error_detail(response: httpx.Response) -> tuple[str, str]:
    """``(code, message)`` from the error body shapes of Atlassian, Microsoft and OAuth."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    error = body.get("error")
    if isinstance(error, dict):  # Microsoft Graph, Google
        return str(error.get("code", "")), str(error.get("message", ""))
    if isinstance(error, str):  # OAuth
        return error, str(body.get("error_description", ""))
    messages = body.get("errorMessages")  # Jira
    if isinstance(messages, list) and messages:
        return "", " ".join(str(m) for m in messages)
    errors = body.get("errors")
    if isinstance(errors, dict) and errors:
        return "", " ".join(f"{k}: {v}" for k, v in errors.items())
    if body.get("message"):  # Confluence
        return str(body.get("reason", "")), str(body["message"])
    return "", ""


class JsonApi:
    def __init__(
        self,
        base_url: str,
        *,
        context: SourceContext,
        service: str,
        headers: dict | None = None,
        auth: httpx.Auth | tuple | None = None,
        secrets: list[str] | None = None,
    ):
        self.base_url = check_url(base_url.rstrip("/"), schemes=("https", "http"))
        self.context = context
        self.service = service
        self.secrets = [s for s in (secrets or []) if s]
        self.client = http_client(
            headers={"Accept": "application/json", **(headers or {})},
            auth=auth,
            verify=tls_verify(),
        )

    def close(self) -> None:
        self.client.close()

    def url(self, path_or_url: str) -> str:
        """An absolute URL on this service: a path (as in Atlassian's ``_links``) is appended to
        ``base_url``; a full URL must be on the same origin."""
        if "://" not in path_or_url:
            return self.base_url + "/" + path_or_url.lstrip("/")
        if origin(path_or_url) != origin(self.base_url):
            raise SourceError(
                f"{self.service} returned a link to another host; it was not followed.",
                type="EgressRefused",
            )
        return path_or_url

    def _message(self, text: str) -> str:
        return redact(text, self.secrets)[:500]

    def raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        code, detail = error_detail(response)
        detail = self._message(detail)
        suffix = f": {detail}" if detail else "."
        headers = dict(response.headers)
        if status in (429, 503):
            raise RateLimited(
                f"{self.service} answered HTTP {status} (rate limited){suffix}",
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            )
        if status == 401:
            message = f"{self.service} refused the credentials (HTTP 401){suffix}"
            kind = "AuthenticationFailed"
        elif status == 403:
            message = f"{self.service} denied access (HTTP 403){suffix}"
            kind = "PermissionDenied"
        elif status == 404:
            message = f"{self.service} found nothing at {urlsplit(str(response.url)).path} (HTTP 404){suffix}"
            kind = "NotFound"
        else:
            message = f"{self.service} answered HTTP {status}{suffix}"
            kind = None
        raise ApiError(
            message, status=status, code=code, headers=headers, retryable=status >= 500, type=kind
        )

    @contextmanager
    def _transport_errors(self):
        """The client's connection failures as retryable ``SourceError``s."""
        try:
            yield
        except httpx.TimeoutException:
            raise SourceError(f"{self.service} did not answer in time.", retryable=True)
        except httpx.HTTPError as error:
            raise SourceError(
                f"Cannot reach {self.service} ({type(error).__name__}).", retryable=True
            )

    def _send(self, method: str, url: str, **kwargs) -> httpx.Response:
        self.context.heartbeat()
        with self._transport_errors():
            response = self.client.request(method, url, **kwargs)
        self.raise_for_status(response)
        return response

    def request(self, method: str, path_or_url: str, **kwargs) -> httpx.Response:
        url = self.url(path_or_url)
        return call_with_retries(
            lambda: self._send(method, url, **kwargs), self.context, service=self.service
        )

    def get_json(self, path_or_url: str, params: dict | None = None, **kwargs) -> dict:
        return self._json(self.request("GET", path_or_url, params=params, **kwargs))

    def post_json(self, path_or_url: str, body: dict, **kwargs) -> dict:
        return self._json(self.request("POST", path_or_url, json=body, **kwargs))

    def _json(self, response: httpx.Response) -> dict:
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise SourceError(f"{self.service} answered with something that is not JSON.")

    def download(self, path_or_url: str, max_bytes: int) -> tuple[bytes, str]:
        """The body and content type of a file, refusing one larger than ``max_bytes``."""
        url = self.url(path_or_url)
        return call_with_retries(
            lambda: self._download(url, max_bytes), self.context, service=self.service
        )

    def _download(self, url: str, max_bytes: int) -> tuple[bytes, str]:
        self.context.heartbeat()
        with self._transport_errors(), self.client.stream("GET", url) as response:
            if response.status_code >= 400:
                response.read()
                self.raise_for_status(response)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise TooLarge(max_bytes)
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(max_bytes)
                chunks.append(chunk)
                self.context.heartbeat()
            return b"".join(chunks), response.headers.get("Content-Type", "")
