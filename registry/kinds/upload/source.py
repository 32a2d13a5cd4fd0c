"""``upload``: the files stored for the connector (see ``syncs.uploads``) as documents; the
engine hands them over (``SourceContext.stored_files``).

Every read lists all of the connector's files (a full pass), so a removed file's document is
pruned. The cursor is the id of the last file read, so a sync resumes right after its last batch.
"""

from collections.abc import Iterator

from registry.sources.base import Batch, SourceDocument, StoredFile
from registry.sources.base import Source as BaseSource
from registry.sources.extract import ExtractionFailed, UnsupportedType, extract_text


class UploadSource(BaseSource):
    incremental = False

    def check(self) -> None:
        """Nothing outside the service to reach: the files are in its own storage."""

    def read(self, cursor: dict | None) -> Iterator[Batch]:
        after = (cursor or {}).get("after") or 0
        size = max(1, int(self.context.batch_size or 100))
        while True:
            self.context.heartbeat()
            rows = self.context.stored_files(after, size + 1)
            more, rows = len(rows) > size, rows[:size]
            documents = [d for d in (self._document(row) for row in rows) if d is not None]
            if rows:
                after = rows[-1].id
            # The last batch's cursor starts the next read from the first file again.
            yield Batch(documents=documents, cursor={"after": after if more else 0})
            if not more:
                return

    def _document(self, row: StoredFile) -> SourceDocument | None:
        try:
            with row.open() as handle:
                data = handle.read()
            extracted = extract_text(data, filename=row.name, mime_type=row.mime_type)
        except (UnsupportedType, ExtractionFailed) as error:
            self.context.log(f"{row.name}: {error}", "warning")
            return None
        except OSError:
            self.context.log(f"{row.name}: the stored file cannot be read.", "error")
            return None
        return SourceDocument(
            external_id=row.sha256,
            title=extracted.title or row.name,
            mime_type=row.mime_type,
            content=extracted.text,
            metadata={
                "file_name": row.name,
                "sha256": row.sha256,
                "uploaded_by": row.uploaded_by,
            },
            source_created_at=row.uploaded_at,
            source_updated_at=row.uploaded_at,
            size=row.size,
        )


Source = UploadSource
