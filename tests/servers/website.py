"""A small website on loopback for the web, feed and HTTP-data readers.

Pages live in a dict the tests may change (``set``, ``remove``); ``reset`` restores the site.
Every page answers conditional requests (ETag from its body, a fixed Last-Modified) with 304.
The server records each request and the most requests it ever had in flight at once;
``fail_next`` makes a page answer an error (e.g. a 429 with Retry-After) a few times first.
"""

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    conditional: bool = True
    #: (header, value) a request must carry, else 401.
    requires: tuple[str, str] | None = None


def html(title: str, body: str, head: str = "") -> Page:
    text = (
        f"<!doctype html><html><head><title>{title}</title>{head}</head><body>"
        f"<nav><a href='/docs/'>Home</a></nav><main><h1>{title}</h1>{body}</main></body></html>"
    )
    return Page(text.encode())


def paragraph(words: str) -> str:
    return f"<p>{words} " + "This page belongs to the test site of the crawler. " * 3 + "</p>"


def default_pages(origin: str) -> dict[str, Page]:
    items = [{"id": n, "name": f"Record {n}", "attributes": {"size": n * 10}} for n in range(1, 8)]
    pages = {
        "/robots.txt": Page(
            b"User-agent: *\nDisallow: /docs/private/\n\n"
            b"Sitemap: " + origin.encode() + b"/sitemaps/index.xml\n",
            content_type="text/plain",
        ),
        "/sitemap.xml": Page(
            (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{origin}/docs/orphan.html</loc></url>"
                f"<url><loc>{origin}/elsewhere/outside-scope.html</loc></url>"
                "</urlset>"
            ).encode(),
            content_type="application/xml",
        ),
        "/sitemaps/index.xml": Page(
            (
                '<?xml version="1.0"?>'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{origin}/sitemaps/more.xml</loc></sitemap></sitemapindex>"
            ).encode(),
            content_type="application/xml",
        ),
        "/sitemaps/more.xml": Page(
            (
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{origin}/docs/listed-in-robots-sitemap.html</loc></url></urlset>"
            ).encode(),
            content_type="application/xml",
        ),
        "/docs/": html(
            "Documentation home",
            paragraph("Welcome to the documentation.")
            + "<a href='guide.html'>Guide</a> <a href='guide.html#install'>Install</a>"
            " <a href='/docs/deep/a.html'>Deep</a> <a href='private/secret.html'>Secret</a>"
            " <a href='missing.html'>Missing</a> <a href='gone.html'>Gone</a>"
            " <a href='old.html'>Old</a> <a href='slow.html'>Slow</a>"
            " <a href='copy.html'>Copy</a> <a href='/outside.html'>Outside</a>"
            " <a href='http://example.invalid/'>External</a> <a href='mailto:a@b.c'>Mail</a>"
            " <a href='notes.txt'>Notes</a> <a href='hidden.html'>Hidden</a>"
            " <a href='skipped.html' rel='nofollow'>Not followed</a>",
        ),
        "/docs/guide.html": html(
            "The guide", paragraph("Install the thing, then run it.") + "<a href='./'>Back</a>"
        ),
        "/docs/copy.html": html(
            "The guide (copy)",
            paragraph("Install the thing, then run it."),
            head="<link rel='canonical' href='/docs/guide.html'>",
        ),
        "/docs/deep/a.html": html("Deep A", paragraph("Level one.") + "<a href='b.html'>B</a>"),
        "/docs/deep/b.html": html("Deep B", paragraph("Level two.") + "<a href='c/c.html'>C</a>"),
        "/docs/deep/c/c.html": html("Deep C", paragraph("Level three.")),
        "/docs/private/secret.html": html("Secret", paragraph("Robots keep crawlers out.")),
        "/docs/gone.html": Page(b"gone", status=410, content_type="text/plain"),
        "/docs/old.html": Page(status=301, headers={"Location": "/docs/new.html"}),
        "/docs/new.html": html("The new page", paragraph("Moved here.")),
        "/docs/slow.html": html("Slow page", paragraph("Worth the wait.")),
        "/docs/orphan.html": html("Orphan", paragraph("Only the sitemap knows me.")),
        "/docs/listed-in-robots-sitemap.html": html(
            "Listed in robots", paragraph("Found through robots.txt.")
        ),
        "/docs/notes.txt": Page(b"Plain notes of the site.", content_type="text/plain"),
        "/docs/hidden.html": html(
            "Hidden", paragraph("Not indexed."), head="<meta name='robots' content='noindex'>"
        ),
        "/docs/skipped.html": html("Skipped", paragraph("Only linked with rel=nofollow.")),
        "/outside.html": html("Outside", paragraph("Outside the start folder.")),
        "/elsewhere/outside-scope.html": html("Elsewhere", paragraph("Outside too.")),
        "/feed.xml": Page(rss_feed(origin, 3), content_type="application/rss+xml"),
        "/atom.xml": Page(atom_feed(origin), content_type="application/atom+xml"),
        "/api/items": json_page({"data": {"items": items[:3]}, "links": {"next": "/api/items/2"}}),
        "/api/items/2": json_page(
            {"data": {"items": items[3:6]}, "links": {"next": f"{origin}/api/items/3"}}
        ),
        "/api/items/3": json_page({"data": {"items": items[6:]}, "links": {"next": None}}),
        "/api/linked": json_page(items[:4], link=f'<{origin}/api/linked/2>; rel="next"'),
        "/api/linked/2": json_page(items[4:]),
    }
    pages["/docs/slow.html"].delay = 0.3
    return pages


def json_page(value, link: str = "") -> Page:
    headers = {"Link": link} if link else {}
    return Page(json.dumps(value).encode(), content_type="application/json", headers=headers)


def rss_feed(origin: str, count: int) -> bytes:
    items = "".join(
        f"<item><title>Entry {n}</title><link>{origin}/posts/{n}.html</link>"
        f"<guid>{origin}/posts/{n}</guid>"
        f"<pubDate>Mon, 0{n} Jan 2024 10:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Summary of entry {n}.&lt;/p&gt;</description></item>"
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Test feed</title>'
        f"<link>{origin}/</link><description>News</description>{items}</channel></rss>"
    ).encode()


def atom_feed(origin: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Atom test</title><id>{origin}/atom</id><updated>2024-02-01T00:00:00Z</updated>"
        f'<entry><title>Atom entry</title><id>urn:uuid:1</id><link href="{origin}/a/1"/>'
        "<updated>2024-02-01T00:00:00Z</updated>"
        '<content type="html">&lt;p&gt;Full &lt;b&gt;content&lt;/b&gt; of the entry.&lt;/p&gt;'
        "</content></entry></feed>"
    ).encode()


class WebsiteServer:
    def __init__(self):
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, dict, float]] = []
        self.in_flight = 0
        self.most_in_flight = 0
        self.faults: dict[str, list[Page]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.origin + path

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.reset()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)

    def reset(self) -> None:
        with self._lock:
            self.pages = default_pages(self.origin)
            self.requests = []
            self.most_in_flight = 0
            self.faults = {}

    def set(self, path: str, page: Page) -> None:
        self.pages[path] = page

    def remove(self, path: str) -> None:
        self.pages.pop(path, None)

    def fail_next(self, path: str, status: int = 429, headers=None, times: int = 1) -> None:
        """Answer the next ``times`` requests for ``path`` with ``status`` (then the page)."""
        error = Page(b"try again later", status, "text/plain", dict(headers or {}))
        with self._lock:
            self.faults.setdefault(path, []).extend([error] * times)

    def _fault(self, path: str) -> Page | None:
        with self._lock:
            waiting = self.faults.get(path)
            return waiting.pop(0) if waiting else None

    def requested(self, path: str) -> list[dict]:
        """The headers of each request for ``path`` (query included), in order."""
        return [headers for requested, headers, _ in self.requests if requested == path]

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.requests]


def _handler(site: WebsiteServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            with site._lock:
                site.requests.append((self.path, dict(self.headers), time.monotonic()))
                site.in_flight += 1
                site.most_in_flight = max(site.most_in_flight, site.in_flight)
            self.counted = True
            try:
                self._answer()
            finally:
                self._done()

        def _done(self):
            # Before the answer leaves: a client cannot start its next request while this one
            # still counts as in flight.
            if getattr(self, "counted", False):
                self.counted = False
                with site._lock:
                    site.in_flight -= 1

        def _answer(self):
            page = site._fault(self.path) or site.pages.get(self.path)
            if page is None:
                self._send(404, b"not found", {"Content-Type": "text/plain"})
                return
            if page.requires and self.headers.get(page.requires[0]) != page.requires[1]:
                self._send(401, b"unauthorized", {"Content-Type": "text/plain"})
                return
            if page.delay:
                time.sleep(page.delay)
            etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
            headers = {"Content-Type": page.content_type, **page.headers}
            if page.status == 200 and page.conditional:
                headers["ETag"] = etag
                headers["Last-Modified"] = format_datetime(LAST_MODIFIED, usegmt=True)
                if self._not_modified(etag):
                    self._send(304, b"", {"ETag": etag})
                    return
            self._send(page.status, page.body, headers)

        def _not_modified(self, etag: str) -> bool:
            if "If-None-Match" in self.headers:
                return etag in self.headers["If-None-Match"]
            since = self.headers.get("If-Modified-Since")
            if since:
                try:
                    return parsedate_to_datetime(since) >= LAST_MODIFIED
                except (TypeError, ValueError):
                    return False
            return False

        def _send(self, status: int, body: bytes, headers: dict):
            self._done()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    return Handler
