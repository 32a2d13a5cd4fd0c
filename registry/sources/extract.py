"""Text out of files: one extractor for uploads, object storage and downloaded attachments.

Plain text, Markdown, HTML, PDF (pypdf), DOCX (python-docx), CSV and JSON. HTML and DOCX come out
as Markdown, so that headings, lists, link lists, tables and questions keep their structure: a
page's marked main region (``<main>``, ``<article>``, ``role=main``) is converted whole by
markdownify, links and images as their text; a page without one goes through trafilatura, which
finds the main content and writes Markdown. Anything else is refused with ``UnsupportedType``; a
file that claims a type but cannot be parsed raises ``ExtractionFailed``.
"""

import codecs
import csv
import io
import json
import mimetypes
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from markdownify import MarkdownConverter

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SUPPORTED_TYPES = {
    "text/plain": (".txt", ".text", ".log"),
    "text/markdown": (".md", ".markdown"),
    "text/html": (".html", ".htm"),
    "application/pdf": (".pdf",),
    DOCX: (".docx",),
    "text/csv": (".csv",),
    "application/json": (".json",),
}
_BY_SUFFIX = {suffix: mime for mime, suffixes in SUPPORTED_TYPES.items() for suffix in suffixes}


class UnsupportedType(ValueError):
    pass


class ExtractionFailed(ValueError):
    pass


@dataclass
class Extracted:
    text: str
    mime_type: str
    title: str = ""


def detect_type(filename: str = "", mime_type: str = "") -> str | None:
    """The supported type of a file, from its declared type, else from its name."""
    declared = (mime_type or "").split(";")[0].strip().lower()
    if declared in SUPPORTED_TYPES:
        return declared
    suffix = PurePosixPath(filename or "").suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    guessed, _ = mimetypes.guess_type(filename or "")
    return guessed if guessed in SUPPORTED_TYPES else None


def _decode(data: bytes) -> str:
    # UTF-16 only with its byte-order mark: without one, any even-length bytes "decode" as it.
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ExtractionFailed("The file is not valid text.")
    return str(best)


MAIN_REGIONS = ("//main", "//article", "//*[@role='main']")
#: Elements of a main region that are not its text.
LEFT_OUT = ("script", "style", "noscript", "template", "nav", "form", "svg", "iframe", "button")


class _Markdown(MarkdownConverter):
    """Links and images as their text; a definition list's terms in bold above their answers."""

    def convert_dt(self, el, text, parent_tags):
        return f"\n\n**{text.strip()}**\n\n" if text.strip() else ""

    def convert_dd(self, el, text, parent_tags):
        return f"\n\n{text.strip()}\n\n" if text.strip() else ""


def _main_region(html: str) -> str | None:
    """The page's marked main region as HTML, without what is not its text; None without one."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html.encode())
    except (etree.ParserError, ValueError):
        return None
    region = next((found[0] for xpath in MAIN_REGIONS if (found := tree.xpath(xpath))), None)
    if region is None:
        return None
    for element in region.xpath(" | ".join(f".//{tag}" for tag in LEFT_OUT)):
        element.drop_tree()
    return lxml_html.tostring(region, encoding="unicode")


def markdown_of(html: str) -> str:
    text = _Markdown(heading_style="ATX", bullets="-", strip=["a", "img"]).convert(html)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _html(data: bytes) -> Extracted:
    import trafilatura

    html = _decode(data)
    region = _main_region(html) if "<" in html else None
    if region is not None:
        text = markdown_of(region)
    else:
        text = (
            trafilatura.extract(
                html,
                output_format="markdown",
                include_formatting=True,
                include_comments=False,
                include_tables=True,
            )
            or ""
        )
    if not text.strip():
        # Fragments and very short pages (feed summaries, stubs) have no "main content" for
        # trafilatura to find: keep all their visible text instead.
        whole = html if "<body" in html.lower() else f"<html><body>{html}</body></html>"
        text = trafilatura.html2txt(whole) or ""
    metadata = trafilatura.extract_metadata(html) if "<" in html else None
    return Extracted(text.strip(), "text/html", (metadata.title if metadata else "") or "")


def _pdf(data: bytes) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        text = "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)
        title = (reader.metadata.title if reader.metadata else "") or ""
    except (PdfReadError, ValueError, KeyError) as error:
        raise ExtractionFailed(f"The PDF cannot be read ({type(error).__name__}).") from None
    return Extracted(text.strip(), "application/pdf", str(title))


def _docx(data: bytes) -> Extracted:
    import zipfile

    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ExtractionFailed(f"The DOCX file cannot be read ({type(error).__name__}).") from None
    parts = [_docx_paragraph(p) for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        rows = [[cell.text.replace("|", "\\|").strip() for cell in row.cells] for row in table.rows]
        if rows:
            lines = [f"| {' | '.join(row)} |" for row in rows]
            lines.insert(1, f"|{' --- |' * len(rows[0])}")
            parts.append("\n".join(lines))
    return Extracted("\n\n".join(parts), DOCX, document.core_properties.title or "")


def _docx_paragraph(paragraph) -> str:
    """A Word paragraph as Markdown: its style says heading or list item."""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    text = paragraph.text.strip()
    if style == "Title":
        return f"# {text}"
    if style.startswith("Heading "):
        level = style.removeprefix("Heading ").strip()
        return f"{'#' * min(6, int(level) + 1 if level.isdigit() else 2)} {text}"
    if style.startswith("List Number"):
        return f"1. {text}"
    if style.startswith("List"):
        return f"- {text}"
    return text


def _csv(data: bytes) -> Extracted:
    text = _decode(data)
    rows = csv.reader(io.StringIO(text))
    return Extracted("\n".join("\t".join(row) for row in rows), "text/csv")


def _json(data: bytes) -> Extracted:
    try:
        parsed = json.loads(_decode(data))
    except json.JSONDecodeError:
        raise ExtractionFailed("The JSON file is not valid JSON.") from None
    return Extracted(json.dumps(parsed, indent=2, ensure_ascii=False), "application/json")


def extract_text(data: bytes, *, filename: str = "", mime_type: str = "") -> Extracted:
    kind = detect_type(filename, mime_type)
    if kind is None:
        raise UnsupportedType(
            "Unsupported file type; supported: txt, md, html, pdf, docx, csv, json."
        )
    if kind == "text/html":
        return _html(data)
    if kind == "application/pdf":
        return _pdf(data)
    if kind == DOCX:
        return _docx(data)
    if kind == "text/csv":
        return _csv(data)
    if kind == "application/json":
        return _json(data)
    return Extracted(_decode(data), kind)
