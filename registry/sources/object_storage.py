"""What the object-storage readers (Amazon S3, Azure Blob Storage) share.

A read lists the bucket or container under the optional prefix, page by page, downloads the
objects whose type the text extractor supports and yields one batch per listing page; the cursor
holds the listing marker, so a resumed read continues after the last page saved. The first read
(no cursor) lists everything; later reads list again but fetch only objects modified after the
start of the previous complete pass (minus ``changes.OVERLAP``). Such a read also hands the
engine every key it lists (``Batch.listed_external_ids``): at the end of the listing the engine
marks deleted the stored objects the listing no longer names. A ``full`` sync prunes the same way.

A read of everything (no cursor) of more than one listing page can be split into parts for
several workers (``split``): the folders directly under the prefix (one delimiter listing) in
contiguous groups, one group a part, the objects beside the folders in the first part.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from config.errors import InvalidInput
from registry.sources.base import Batch, Source, SourceDocument, Split
from registry.sources.changes import OVERLAP, changed_since, next_since, now, to_iso
from registry.sources.filetext import MAX_FILE_BYTES, file_document, worth_fetching
from registry.sources.throttling import call_with_retries


@dataclass
class StoredObject:
    key: str
    modified: datetime
    size: int
    etag: str = ""
    content_type: str = ""


class ObjectStorageSource(Source):
    incremental = True
    read_ahead = True
    service = "Object storage"
    #: How long before the previous pass started the next incremental read looks for changes.
    overlap = OVERLAP
    #: The kind's credential pairs: ``{"read": (name field, secret field), "write": (...)}``.
    pairs: dict[str, tuple[str, str]] = {}
    #: Its other text fields (bucket or container, region, endpoint URL, prefix).
    text_fields: tuple[str, ...] = ()

    @classmethod
    def prepare_config(cls, config: dict) -> dict:
        """Blanks stripped, the endpoint URL without its trailing slash, and the write pair
        given whole or not at all (it is stored and proven, never used to write)."""
        config = dict(config)
        for key in (*cls.text_fields, *cls.pairs["read"], *cls.pairs["write"]):
            if isinstance(config.get(key), str):
                config[key] = config[key].strip()
        if config.get("url"):
            config["url"] = config["url"].rstrip("/")
        name, secret = cls.pairs["write"]
        if bool(config.get(name)) != bool(config.get(secret)):
            missing = secret if config.get(name) else name
            raise InvalidInput({missing: ["Give both write credentials, or neither."]})
        return config

    # What a storage kind implements.
    def list_page(
        self, marker: str | None, limit: int, *, prefix: str | None = None, direct: bool = False
    ) -> tuple[list[StoredObject], str | None]:
        """One page of objects under ``prefix`` (by default the configured one) and the marker
        of the next page (None at the end); ``direct``: only the objects directly under it, not
        those in its folders."""
        raise NotImplementedError

    def folders(self, prefix: str) -> tuple[list[str], bool]:
        """The folders directly under ``prefix`` (each ending in ``/``, in key order), and
        whether objects lie beside them."""
        raise NotImplementedError

    def fetch(self, item: StoredObject) -> tuple[bytes, str] | None:
        """The object's body and declared content type; None if it is gone."""
        raise NotImplementedError

    def location(self, item: StoredObject) -> str:
        raise NotImplementedError

    @property
    def prefix(self) -> str:
        return (self.config.get("prefix") or "").lstrip("/")

    def split(self, parts: int, *, least: int) -> Split | None:
        if parts < 2:
            return None
        started = to_iso(now())
        limit = max(1, min(least, 1000))
        _, more = call_with_retries(
            lambda: self.list_page(None, limit), self.context, service=self.service
        )
        if not more:
            return None  # one listing page holds everything: a small source
        folders, loose = call_with_retries(
            lambda: self.folders(self.prefix), self.context, service=self.service
        )
        count = min(parts, len(folders))
        if count < 2:
            return None
        groups = [
            folders[n * len(folders) // count : (n + 1) * len(folders) // count]
            for n in range(count)
        ]
        cursors = [
            {"part": {"folders": group, "beside": loose and n == 0}}
            for n, group in enumerate(groups)
        ]
        return Split(parts=cursors, total=None, after={"since": next_since(started, self.overlap)})

    def _read_part(self, cursor: dict) -> Iterator[Batch]:
        """One part of a split read: its folders one after the other, page by page."""
        part = cursor["part"]
        scopes = [(self.prefix, True)] if part.get("beside") else []
        scopes += [(folder, False) for folder in part["folders"]]
        at, marker = int(cursor.get("at", 0)), cursor.get("marker")
        if at == 0 and marker is None:
            self.context.log(
                f"Listing objects under {part['folders'][0]} to {part['folders'][-1]}"
                + (" and beside them." if part.get("beside") else ".")
            )
        limit = max(1, min(int(self.context.batch_size), 1000))
        while at < len(scopes):
            prefix, direct = scopes[at]
            objects, marker = call_with_retries(
                lambda p=prefix, d=direct, m=marker: self.list_page(m, limit, prefix=p, direct=d),
                self.context,
                service=self.service,
            )
            if marker is None:
                at += 1
            yield Batch(self._documents(objects), {"part": part, "at": at, "marker": marker})

    def read(self, cursor: dict | None) -> Iterator[Batch]:
        cursor = cursor or {}
        if "part" in cursor:
            yield from self._read_part(cursor)
            return
        since = cursor.get("since")
        started = cursor.get("started_at") or to_iso(now())
        marker = cursor.get("marker")
        if marker is None:
            scope = f" under {self.prefix}" if self.prefix else ""
            change = f" changed since {since}" if since else ""
            self.context.log(f"Listing objects{scope}{change}.")
        limit = max(1, min(int(self.context.batch_size), 1000))
        while True:
            objects, marker = call_with_retries(
                lambda current=marker: self.list_page(current, limit),
                self.context,
                service=self.service,
            )
            documents = self._documents(o for o in objects if changed_since(o.modified, since))
            listed = [o.key for o in objects] if since else []
            if marker:
                cursor = {"since": since, "started_at": started, "marker": marker}
                yield Batch(documents, cursor, listed_external_ids=listed)
                continue
            yield Batch(
                documents,
                {"since": next_since(started, self.overlap)},
                listed_external_ids=listed,
                listing_complete=bool(since),
            )
            return

    def _documents(self, objects) -> list[SourceDocument]:
        documents, skipped = [], 0
        for item in objects:
            self.context.heartbeat()
            if item.size > MAX_FILE_BYTES:
                self.context.log(f"Skipped {item.key}: larger than 50 MB.", "warning")
                continue
            if not worth_fetching(item.key, item.content_type, item.size):
                skipped += 1
                continue
            fetched = call_with_retries(
                lambda i=item: self.fetch(i), self.context, service=self.service
            )
            if fetched is None:
                continue
            data, content_type = fetched
            document = file_document(
                self.context,
                external_id=item.key,
                data=data,
                filename=item.key,
                mime_type=content_type or item.content_type,
                url=self.location(item),
                metadata={"key": item.key, "etag": item.etag, "size": item.size},
                updated=item.modified,
            )
            if document is None:
                skipped += 1
            else:
                documents.append(document)
        if skipped:
            self.context.log(f"Skipped {skipped} objects whose type has no readable text.")
        return documents
