"""Websites: one page, or a crawl of the site under the start URL's folder.

Every read crawls the whole site again, but the reader is ``incremental``: it keeps what the
previous crawl learnt of each page in its cursor (validators, in-scope links, the document id),
so re-syncs send conditional requests and a 304 yields an ``unchanged`` document while the crawl
still follows that page's stored links. At the end of a crawl, documents of the previous crawl
that were not seen again (404/410, no longer linked, now disallowed) are reported deleted; a
``full`` sync starts without a cursor and is pruned by the engine instead. The cursor also holds
the crawl under way (frontier, visited URLs, ids emitted), so a sync resumes right after its last
batch. URLs are stored once in a table and referenced by index to keep the cursor small.
"""

from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from urllib.parse import urlsplit, urlunsplit

from protego import Protego

from registry.sources import egress
from registry.sources.base import Batch, Source, SourceDocument, SourceError
from registry.sources.extract import ExtractionFailed, UnsupportedType, detect_type, extract_text
from registry.sources.web.crawl_state import CrawlOptions, CrawlState
from registry.sources.web.fetch import USER_AGENT, Fetched, Fetcher, clean_url
from registry.sources.web.pages import Scope, normalize_url, parse_html, parse_sitemap

MAX_SITEMAP_FILES = 10
MAX_CRAWL_DELAY_SECONDS = 30.0
MAX_LOGGED_PAGE_ERRORS = 20
HTML_TYPES = {"text/html", "application/xhtml+xml"}
# Links to these are never documents: not worth a request.
SKIPPED_SUFFIXES = tuple(
    [
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".svg",
        ".webp",
        ".ico",
        ".css",
        ".js",
        ".mjs",
        ".woff",
        ".woff2",
        ".ttf",
        ".zip",
        ".gz",
        ".tgz",
        ".tar",
        ".rar",
        ".7z",
        ".exe",
        ".dmg",
        ".iso",
        ".mp3",
        ".mp4",
        ".m4a",
        ".mov",
        ".avi",
        ".webm",
        ".wav",
        ".ogg",
        ".xml",
        ".rss",
    ]
)


class WebSource(Source):
    """``web_scraper`` (004) and ``WEBSITE`` (000 live sources) share this reader."""

    incremental = True

    @classmethod
    def prepare_config(cls, config: dict) -> dict:
        config = clean_url(config)
        if isinstance(config.get("extraction_type"), str):
            config["extraction_type"] = config["extraction_type"].strip().lower()
        return config

    def __init__(self, config: dict, context=None):
        super().__init__(config, context)
        self.options = CrawlOptions.from_config(config)
        self.start = normalize_url(self.options.url) or ""
        self.scope = Scope.of(self.start)
        self.page_errors = 0
        self.skipped = 0
        self.not_modified = 0

    def _require_start(self) -> None:
        if not self.start:
            raise SourceError("The start URL is not a valid http(s) URL.")

    # -- robots.txt and the start page ------------------------------------------------------

    def _robots(self, fetcher: Fetcher) -> Protego | None:
        parts = urlsplit(self.start)
        url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
        result = fetcher.get_required(url, "robots.txt")
        if result.ok:
            return Protego.parse(result.body.decode("utf-8", errors="replace"))
        if 400 <= result.status < 500 or result.refused:
            return None  # no robots.txt: everything is allowed
        # RFC 9309: a server error on robots.txt means the whole site is off limits for now.
        raise SourceError(
            f"robots.txt could not be read (HTTP {result.status}); the site is not crawled "
            "until it can be.",
            retryable=True,
            retry_after=result.retry_after,
            type="RobotsUnavailable",
        )

    def _allowed(self, robots: Protego | None, url: str) -> bool:
        return robots is None or robots.can_fetch(url, USER_AGENT)

    def _check_start(self, result: Fetched) -> None:
        if result.refused:
            raise SourceError(f"The start page cannot be fetched: {result.error}")
        if result.ok or result.not_modified:
            return
        if result.status in (404, 410):
            raise SourceError(f"The start page {self.start} answered {result.status} (not found).")
        if result.status and result.status < 500 and result.status != 429:
            raise SourceError(f"The start page {self.start} answered {result.status}.")
        reason = f"HTTP {result.status}" if result.status else result.error
        raise SourceError(
            f"The start page {self.start} is unavailable ({reason}).",
            retryable=True,
            retry_after=result.retry_after,
            type="Unreachable",
        )

    def check(self) -> None:
        self._require_start()
        egress.check_url(self.start)
        fetcher = Fetcher(retries=0)
        try:
            robots = self._robots(fetcher)
            if not self._allowed(robots, self.start):
                raise SourceError(f"robots.txt does not allow reading {self.start}.")
            result = fetcher.get_required(self.start, "the start page")
            self._check_start(result)
            kind = result.content_type
            if kind not in HTML_TYPES and not detect_type(urlsplit(self.start).path, kind):
                raise SourceError(f"The start page is of an unsupported type ({kind}).")
        finally:
            fetcher.close()

    # -- the pass ---------------------------------------------------------------------------

    def read(self, cursor: dict | None) -> Iterator[Batch]:
        self._require_start()
        state = CrawlState(cursor)
        if state.base:
            self.scope = Scope.of(state.base)
        fetcher = Fetcher(request_delay=self.options.request_delay)
        try:
            robots = self._robots(fetcher)
            if robots is not None and robots.crawl_delay(USER_AGENT):
                delay = min(MAX_CRAWL_DELAY_SECONDS, float(robots.crawl_delay(USER_AGENT)))
                fetcher.throttle.interval = max(fetcher.throttle.interval, delay)
            if not state.in_pass:
                state.frontier.append((state.add(self.start), 0))
            batch_size = max(1, int(self.context.batch_size or 100))
            buffer: list[SourceDocument] = []
            for document in self._crawl(state, fetcher, robots):
                buffer.append(document)
                if len(buffer) >= batch_size:
                    yield Batch(documents=buffer, cursor=state.cursor())
                    buffer = []
            self.context.log(
                f"Read {len(state.seen)} page(s) of {self.start}"
                + (f"; {self.not_modified} had not changed" if self.not_modified else "")
                + (f"; {self.skipped} skipped" if self.skipped else "")
                + "."
            )
            gone = state.gone()
            if gone:
                self.context.log(f"{len(gone)} page(s) of the last crawl are gone.")
            yield Batch(documents=buffer, cursor=state.finished_cursor(), deleted_external_ids=gone)
        finally:
            fetcher.close()

    def _read_sitemaps(self, state: CrawlState, fetcher: Fetcher, robots: Protego | None) -> None:
        """Pages listed in /sitemap.xml and in the sitemaps robots.txt names, once per pass,
        after the start page (which may have moved the scope)."""
        if not self.options.crawl or self.options.max_depth < 1:
            return
        parts = urlsplit(self.start)
        pending = [urlunsplit((parts.scheme, parts.netloc, "/sitemap.xml", "", ""))]
        pending += list(robots.sitemaps) if robots is not None else []
        read, found = set(), 0
        while pending and len(read) < MAX_SITEMAP_FILES:
            url = normalize_url(pending.pop(0))
            if not url or url in read or urlsplit(url).netloc.lower() != self.scope.host:
                continue
            read.add(url)
            self.context.heartbeat()
            result = fetcher.fetch(url)
            if not result.ok:
                continue
            sitemap = parse_sitemap(result.body, result.final_url or url)
            if sitemap.error:
                self.context.log(f"Sitemap {url} skipped: {sitemap.error}.", "warning")
            pending += sitemap.sitemaps
            in_scope = [page for page in sitemap.pages if self.scope.contains(page)]
            found += self._enqueue(state, in_scope, 0)
        if found:
            self.context.log(f"The sitemaps list {found} page(s) under {self.scope.prefix}.")

    def _enqueue(self, state: CrawlState, urls: list[str], depth: int) -> int:
        if depth + 1 > self.options.max_depth:
            return 0
        limit = max(100, 2 * self.options.max_pages)
        added = 0
        for url in urls:
            if urlsplit(url).path.lower().endswith(SKIPPED_SUFFIXES):
                continue
            index = state.add(url)
            if index not in state.visited and len(state.frontier) < limit:
                state.frontier.append((index, depth + 1))
                added += 1
        return added

    def _crawl(self, state: CrawlState, fetcher: Fetcher, robots) -> Iterator[SourceDocument]:
        pool = ThreadPoolExecutor(self.options.max_concurrency, thread_name_prefix="crawl")
        futures = {}
        try:
            while True:
                while (
                    state.frontier
                    and len(futures) < self.options.max_concurrency
                    and state.fetched < self.options.max_pages
                ):
                    index, depth = state.frontier.popleft()
                    if index in state.visited:
                        continue
                    state.visited.add(index)
                    url = state.urls[index]
                    if not self._allowed(robots, url):
                        if not state.started:
                            raise SourceError(f"robots.txt does not allow reading {url}.")
                        continue
                    old = state.known.get(str(index))
                    state.fetched += 1
                    state.inflight[index] = depth
                    etag, modified = (old[0], old[1]) if old else ("", "")
                    future = pool.submit(fetcher.fetch, url, etag=etag, modified=modified)
                    futures[future] = index
                    if not state.started:
                        break  # the start page alone first: its failure stops the read
                if not futures:
                    break
                done, _ = wait(futures, timeout=1.0, return_when=FIRST_COMPLETED)
                self.context.heartbeat()
                for future in done:
                    index = futures.pop(future)
                    depth = state.inflight.pop(index)
                    starting = not state.started
                    document = self._page(state, index, depth, future.result())
                    if starting:
                        self._read_sitemaps(state, fetcher, robots)
                    if document is not None:
                        yield document
            if state.frontier and state.fetched >= self.options.max_pages and self.options.crawl:
                self.context.log(
                    f"Stopped at the limit of {self.options.max_pages} page(s).", "warning"
                )
        finally:
            # Queued fetches are dropped; the ones under way finish (each bounded by the client's
            # timeouts) before the client is closed, so no thread outlives the read.
            pool.shutdown(wait=True, cancel_futures=True)

    def _skip(self, url: str, reason: str) -> None:
        """A page left out of the documents, told in the sync's log (the first ones)."""
        self.skipped += 1
        if self.skipped <= MAX_LOGGED_PAGE_ERRORS:
            self.context.log(f"Skipped {url}: {reason}.")

    def _page_error(self, url: str, reason: str) -> None:
        self.page_errors += 1
        if self.page_errors <= MAX_LOGGED_PAGE_ERRORS:
            self.context.log(f"{url}: {reason}", "warning")

    def _keep(self, state: CrawlState, index: int, depth: int) -> SourceDocument | None:
        """The stored copy of a page stands: a 304, or a passing failure of a known page."""
        old = state.known[str(index)]
        state.fresh[str(index)] = old
        self._enqueue(state, [state.urls[i] for i in old[3]], depth)
        external_id = old[2] or state.urls[index]
        if not old[4] or external_id in state.seen:
            return None
        state.seen.add(external_id)
        return SourceDocument(external_id=external_id, url=state.urls[index], unchanged=True)

    def _follow_start_redirect(self, state: CrawlState, result: Fetched) -> None:
        final = normalize_url(result.final_url or "")
        if not final or self.scope.contains(final):
            return
        if urlsplit(final).hostname != urlsplit(self.start).hostname:
            raise SourceError(
                f"The start page redirects to another site ({final}); use that address as the "
                "URL to read it."
            )
        self.scope = Scope.of(final)
        state.base = final
        self.context.log(f"The start page moved to {final}; reading the pages under it.")

    def _page(
        self, state: CrawlState, index: int, depth: int, result: Fetched
    ) -> SourceDocument | None:
        url = state.urls[index]
        if not state.started:
            state.started = True
            self._check_start(result)
            self._follow_start_redirect(state, result)
        known = str(index) in state.known
        if result.not_modified and known:
            self.not_modified += 1
            return self._keep(state, index, depth)
        if result.refused or (400 <= result.status < 500 and result.status != 429):
            if result.status in (404, 410):
                self._skip(url, f"not found (HTTP {result.status})")
            else:
                self._page_error(url, result.error or f"HTTP {result.status}")
            return None  # gone: not listed, so pruned after this pass
        if not result.ok:
            self._page_error(url, f"HTTP {result.status}" if result.status else result.error)
            return self._keep(state, index, depth) if known else None
        final = normalize_url(result.final_url) or url
        if final != url:
            if not self.scope.contains(final):
                self._skip(url, f"it redirects to {final}, outside {self.scope.prefix}")
                return None
            state.visited.add(state.add(final))
        return self._document(state, index, depth, final, result)

    def _document(
        self, state: CrawlState, index: int, depth: int, final: str, result: Fetched
    ) -> SourceDocument | None:
        external_id, links, indexable = final, [], True
        kind = result.content_type
        if kind in HTML_TYPES or (not kind and result.body.lstrip()[:1] == b"<"):
            kind = "text/html"
            page = parse_html(result.body, final)
            if not page.nofollow:
                links = [link for link in page.links if self.scope.contains(link)]
            if page.canonical and page.canonical != final and self.scope.contains(page.canonical):
                external_id = page.canonical
                state.visited.add(state.add(page.canonical))
            indexable = not page.noindex
        elif not detect_type(urlsplit(final).path, kind):
            self._skip(final, f"its type ({kind or 'not given'}) is not one that is read")
            return None
        self._enqueue(state, links, depth)
        entry = [
            result.headers.get("etag", ""),
            result.headers.get("last-modified", ""),
            None if external_id == state.urls[index] else external_id,
            [state.add(link) for link in links],
            indexable,
        ]
        state.fresh[str(index)] = entry
        if not indexable:
            self._skip(final, "the page asks not to be indexed (noindex); its links are followed")
            return None
        if external_id in state.seen:
            return None
        try:
            extracted = extract_text(result.body, filename=urlsplit(final).path, mime_type=kind)
        except (UnsupportedType, ExtractionFailed) as error:
            entry[4] = False
            self._page_error(final, str(error))
            return None
        state.seen.add(external_id)
        metadata = {"depth": depth}
        if self.options.owner:
            metadata["file_owner"] = self.options.owner
        return SourceDocument(
            external_id=external_id,
            title=extracted.title or urlsplit(final).path.rsplit("/", 1)[-1] or final,
            url=final,
            mime_type=extracted.mime_type,
            content=extracted.text,
            metadata=metadata,
            source_updated_at=result.last_modified,
            size=len(result.body),
        )
