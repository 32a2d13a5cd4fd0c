"""Files found in a source turned into documents, through the shared text extractor."""

import mimetypes
from datetime import datetime
from pathlib import PurePosixPath

from registry.sources.base import SourceContext, SourceDocument
from registry.sources.extract import (
    ExtractionFailed,
    UnsupportedType,
    detect_type,
    extract_text,
)

#: Files above this size are skipped (and said so in the sync log) rather than downloaded.
MAX_FILE_BYTES = 50 * 1024 * 1024
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}


def worth_fetching(filename: str, mime_type: str = "", size: int | None = None) -> bool:
    """Whether a file may yield text: a supported type, or a name and type that say nothing
    (then the type the download declares decides)."""
    if size is not None and size > MAX_FILE_BYTES:
        return False
    if detect_type(filename, mime_type):
        return True
    guessed, _ = mimetypes.guess_type(filename or "")
    declared = (mime_type or "").split(";")[0].strip().lower()
    return guessed is None and declared in _GENERIC_TYPES and not PurePosixPath(filename).suffix


def file_document(
    context: SourceContext,
    *,
    external_id: str,
    data: bytes,
    filename: str,
    mime_type: str = "",
    title: str = "",
    url: str = "",
    metadata: dict | None = None,
    created: datetime | None = None,
    updated: datetime | None = None,
) -> SourceDocument | None:
    """The document of a downloaded file, or None (logged) when no text can be taken from it."""
    try:
        extracted = extract_text(data, filename=filename, mime_type=mime_type)
    except UnsupportedType:
        return None
    except ExtractionFailed as error:
        context.log(f"Skipped {filename}: {error}", "warning")
        return None
    return SourceDocument(
        external_id=external_id,
        title=title or extracted.title or PurePosixPath(filename).name,
        url=url,
        mime_type=extracted.mime_type,
        content=extracted.text,
        metadata=metadata or {},
        source_created_at=created,
        source_updated_at=updated,
        size=len(data),
    )
