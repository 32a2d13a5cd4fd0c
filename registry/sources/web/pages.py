"""What a crawl needs from a fetched page: normalised URLs, the crawl scope, links, canonical
URL and robots meta tags (lxml), and sitemaps parsed as hostile XML (defusedxml)."""

import posixpath
import zlib
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit
from xml.etree.ElementTree import ParseError

import lxml.html
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from lxml import etree

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit, uncompressed
DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_url(url: str, base: str = "") -> str | None:
    """An absolute http(s) URL without fragment, host lower-cased, default port dropped."""
    try:
        parts = urlsplit(urljoin(base, url.strip()) if base else url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname
    if ":" in host:
        host = f"[{host}]"
    if port and port != DEFAULT_PORTS[parts.scheme]:
        host = f"{host}:{port}"
    path = parts.path or "/"
    return urlunsplit((parts.scheme, host, path, parts.query, ""))


@dataclass(frozen=True)
class Scope:
    """Same host as the start URL (either scheme), under the start URL's folder."""

    host: str
    prefix: str
    exact: str

    @classmethod
    def of(cls, start_url: str) -> "Scope":
        parts = urlsplit(start_url)
        path = parts.path or "/"
        if path.endswith("/"):
            prefix = path
        elif "." in posixpath.basename(path):
            prefix = posixpath.dirname(path).rstrip("/") + "/"
        else:
            prefix = path + "/"
        return cls(parts.netloc.lower(), prefix, path)

    def contains(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.netloc.lower() != self.host:
            return False
        return parts.path.startswith(self.prefix) or parts.path == self.exact


@dataclass
class HtmlPage:
    links: list[str] = field(default_factory=list)
    canonical: str | None = None
    noindex: bool = False
    nofollow: bool = False


def parse_html(body: bytes, url: str) -> HtmlPage:
    try:
        root = lxml.html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return HtmlPage()
    base = url
    for href in root.xpath("//base/@href")[:1]:
        base = urljoin(url, href)
    page = HtmlPage()
    for content in root.xpath("//meta[translate(@name, 'ROBTS', 'robts')='robots']/@content"):
        words = {w.strip().lower() for w in content.split(",")}
        page.noindex |= bool(words & {"noindex", "none"})
        page.nofollow |= bool(words & {"nofollow", "none"})
    for href in root.xpath(
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
    )[:1]:
        page.canonical = normalize_url(href, base)
    seen = set()
    for anchor in root.xpath("//a[@href]"):
        if "nofollow" in (anchor.get("rel") or "").lower().split():
            continue
        link = normalize_url(anchor.get("href"), base)
        if link and link not in seen:
            seen.add(link)
            page.links.append(link)
    return page


def _maybe_gunzip(body: bytes) -> bytes:
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = inflater.decompress(body, MAX_SITEMAP_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("sitemap larger than the limit once decompressed")
    return data


@dataclass
class Sitemap:
    pages: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    error: str = ""


def parse_sitemap(body: bytes, url: str) -> Sitemap:
    """``<urlset>`` page locations or ``<sitemapindex>`` sitemap locations. Entity declarations
    and external references are refused (billion laughs, XXE)."""
    try:
        root = parse_xml(_maybe_gunzip(body), forbid_dtd=True)
    except DefusedXmlException:
        return Sitemap(error="refused: the XML declares entities or a DTD")
    except (ParseError, ValueError, zlib.error) as error:
        return Sitemap(error=f"not a valid sitemap ({type(error).__name__})")
    tag = root.tag.rsplit("}", 1)[-1]
    locations = [
        (element.text or "").strip()
        for element in root.iter()
        if element.tag.rsplit("}", 1)[-1] == "loc" and element.text
    ]
    locations = [loc for loc in (normalize_url(x, url) for x in locations) if loc]
    if tag == "sitemapindex":
        return Sitemap(sitemaps=locations)
    if tag == "urlset":
        return Sitemap(pages=locations)
    return Sitemap(error="not a sitemap (root element is neither urlset nor sitemapindex)")
