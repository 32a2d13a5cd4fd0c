"""Text out of files: one extractor for uploads, object storage and downloaded attachments.

Plain text, Markdown, HTML (main content through trafilatura), PDF (pypdf), DOCX (python-docx),
CSV and JSON. Anything else is refused with ``UnsupportedType``; a file that claims a type but
cannot be parsed raises ``ExtractionFailed``.
"""

import codecs
import csv
import io
import json
import mimetypes
from dataclasses import dataclass
from pathlib import PurePosixPath

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


def _html(data: bytes) -> Extracted:
    import trafilatura

    html = _decode(data)
    text = trafilatura.extract(html, include_comments=False, include_tables=True) or ""
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
    parts = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return Extracted("\n".join(parts), DOCX, document.core_properties.title or "")


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
