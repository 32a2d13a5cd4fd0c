"""``HttpData``: JSON records read from an HTTP endpoint, one document per record.

The endpoint is read page by page, following a next-link field of the response or the ``Link``
header (rel="next"). Every read lists all records (a full pass), so records that disappear are
pruned. The secret header is sent only to the endpoint's own origin: redirects and next links are
followed by hand so that it never leaks to another host.
"""

import json
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import httpx

from config.errors import InvalidInput
from registry.sources import egress
from registry.sources.base import Batch, SourceDocument, SourceError
from registry.sources.base import Source as BaseSource
from registry.sources.throttling import RateLimited, call_with_retries, retry_after_seconds
from registry.sources.web.fetch import USER_AGENT, clean_url

MAX_REDIRECTS = 5
MAX_RESPONSE_BYTES = 50 * 1024 * 1024


def dig(value, path: str):
    """The value at a dotted path (``data.items``, ``links.next``, ``items.0.id``); None if
    absent. An empty path is the value itself."""
    for part in [p for p in (path or "").split(".") if p]:
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _origin(url: str) -> tuple:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port


class HttpDataSource(BaseSource):
    incremental = False

    @classmethod
    def prepare_config(cls, config: dict) -> dict:
        config = clean_url(config)
        for field in ("records_path", "id_field", "title_field", "next_link_field"):
            if isinstance(config.get(field), str):
                config[field] = config[field].strip()
        if config.get("id_field") == "":
            raise InvalidInput({"id_field": ["Name the field that identifies a record."]})
        return config

    def __init__(self, config: dict, context=None):
        super().__init__(config, context)
        self.url = str(config.get("url") or "")
        self.records_path = str(config.get("records_path") or "")
        self.id_field = str(config.get("id_field") or "id")
        self.title_field = str(config.get("title_field") or "")
        self.next_link_field = str(config.get("next_link_field") or "")
        self.max_pages = int(config.get("max_pages") or 1000)
        self.auth = {}
        if config.get("auth_header"):
            name = str(config.get("auth_header_name") or "Authorization")
            self.auth = {name: str(config["auth_header"])}

    def _client(self) -> httpx.Client:
        return egress.http_client(
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
        )

    def _get(self, client: httpx.Client, url: str) -> tuple[str, object, httpx.Response]:
        """The JSON of ``url``, redirects followed by hand; a throttled request is retried."""
        return call_with_retries(
            lambda: self._get_once(client, url), self.context, service=urlsplit(url).netloc
        )

    def _get_once(self, client: httpx.Client, url: str) -> tuple[str, object, httpx.Response]:
        for _ in range(MAX_REDIRECTS + 1):
            headers = self.auth if _origin(url) == _origin(self.url) else {}
            try:
                response = client.get(url, headers=headers)
            except httpx.HTTPError as error:
                raise SourceError(
                    f"Cannot reach {url}: {type(error).__name__}.", retryable=True
                ) from None
            if response.is_redirect and response.headers.get("location"):
                url = urljoin(url, response.headers["location"])
                continue
            return url, self._json(url, response), response
        raise SourceError(f"{url} redirects too many times.")

    def _json(self, url: str, response: httpx.Response):
        status = response.status_code
        if status in (401, 403):
            raise SourceError(
                f"{url} refused the request (HTTP {status}): check the authorization header.",
                type="AuthenticationFailed",
            )
        if status in (429, 503):
            raise RateLimited(
                f"{url} is limiting the request rate (HTTP {status}).",
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
            )
        if status >= 500:
            raise SourceError(
                f"{url} is unavailable (HTTP {status}).",
                retryable=True,
                retry_after=retry_after_seconds(response.headers.get("retry-after")),
            )
        if status >= 400:
            raise SourceError(f"{url} answered HTTP {status}.")
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise SourceError(f"{url} answered more than {MAX_RESPONSE_BYTES} bytes.")
        try:
            return response.json()
        except ValueError:
            raise SourceError(f"{url} did not answer JSON.") from None

    def _records(self, url: str, data) -> list:
        records = dig(data, self.records_path)
        if not isinstance(records, list):
            where = f"at '{self.records_path}'" if self.records_path else "at the top level"
            raise SourceError(f"The response of {url} has no list of records {where}.")
        return records

    def _next(self, url: str, data, response: httpx.Response) -> str | None:
        if self.next_link_field:
            link = dig(data, self.next_link_field)
        else:
            link = response.links.get("next", {}).get("url")
        return urljoin(url, link) if isinstance(link, str) and link.strip() else None

    def check(self) -> None:
        egress.check_url(self.url)
        with self._client() as client:
            url, data, _ = self._get(client, self.url)
            records = self._records(url, data)
        if records and dig(records[0], self.id_field) is None:
            raise SourceError(f"The first record has no '{self.id_field}' field (the id field).")

    def read(self, cursor: dict | None) -> Iterator[Batch]:
        url = (cursor or {}).get("next") or self.url
        page = (cursor or {}).get("page", 0) if (cursor or {}).get("next") else 0
        requested: set[str] = set()
        missing_ids = 0
        size = max(1, int(self.context.batch_size or 100))
        with self._client() as client:
            while url:
                self.context.heartbeat()
                if page >= self.max_pages or url in requested:
                    reason = "page limit" if page >= self.max_pages else "a next link seen before"
                    self.context.log(f"Stopped following pages at {reason}.", "warning")
                    break
                requested.add(url)
                final, data, response = self._get(client, url)
                documents = []
                for record in self._records(final, data):
                    document = self._document(record, final)
                    if document is None:
                        missing_ids += 1
                    else:
                        documents.append(document)
                next_url = self._next(final, data, response)
                page += 1
                here = {"next": url, "page": page - 1}
                # The last page's cursor starts the next read from the first page again.
                after = {"next": next_url, "page": page} if next_url else {"next": None}
                chunks = [documents[i : i + size] for i in range(0, len(documents), size)] or [[]]
                for position, chunk in enumerate(chunks):
                    last = position == len(chunks) - 1
                    yield Batch(documents=chunk, cursor=after if last else here)
                url = next_url
        if missing_ids:
            self.context.log(
                f"{missing_ids} record(s) had no '{self.id_field}' field and were skipped.",
                "warning",
            )

    def _document(self, record, url: str) -> SourceDocument | None:
        identifier = dig(record, self.id_field)
        if identifier is None or isinstance(identifier, dict | list):
            return None
        title = dig(record, self.title_field) if self.title_field else None
        content = json.dumps(record, ensure_ascii=False)
        return SourceDocument(
            external_id=str(identifier)[:1024],
            title=str(title) if title is not None else f"Record {identifier}",
            url=url,
            mime_type="application/json",
            content=content,
            metadata={"endpoint": self.url},
            size=len(content.encode("utf-8")),
        )


Source = HttpDataSource
