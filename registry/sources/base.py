"""What every source kind implements: ``check()`` and ``read(cursor)``.

A kind's reader receives the connector's full config (secret values merged in) and a
``SourceContext`` through which it ticks the heartbeat, honours cancellation and writes log lines.
``read`` yields ``Batch`` objects; ``batch.cursor`` is what to pass to ``read`` to resume right after
that batch, and it is saved with the batch's documents in one transaction.
"""

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO


class SourceError(Exception):
    """The one error type of readers. ``retryable`` errors are retried with back-off."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
        type: str | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.retry_after = retry_after
        self.type = type or self.__class__.__name__


class NotImplementedSource(SourceError):
    pass


class SyncCancelled(Exception):
    """Raised by ``SourceContext.heartbeat`` when the sync is being cancelled."""


@dataclass(slots=True)
class SourceDocument:
    external_id: str
    title: str = ""
    url: str = ""
    mime_type: str = "text/plain"
    content: str = ""
    metadata: dict = field(default_factory=dict)
    source_created_at: datetime | None = None
    source_updated_at: datetime | None = None
    size: int | None = None
    #: The source confirmed the stored copy is current (e.g. an HTTP 304): the engine keeps the
    #: stored content, counts the document unchanged and marks it seen in the current pass.
    unchanged: bool = False


@dataclass
class Batch:
    documents: list[SourceDocument]
    cursor: dict | None = None
    total: int | None = None
    deleted_external_ids: list[str] = field(default_factory=list)
    #: The source is listed in whole from this batch on, although the read began with changes
    #: only (e.g. an expired change token forced a full re-read). The engine starts a new pass
    #: with this batch and, once the read is exhausted, prunes what that pass did not see.
    starts_full_pass: bool = False
    #: Ids the source has now, listed without their content, as part of a listing of the whole
    #: source that an incremental read makes to find deletions (cheap where the source lists
    #: its items: a table's primary keys, a bucket's keys).
    listed_external_ids: list[str] = field(default_factory=list)
    #: This batch ends that listing: the stored documents it never named, and that the pass
    #: did not store or see either, are marked deleted.
    listing_complete: bool = False


@dataclass(frozen=True)
class Split:
    """A read of the whole source cut into parts that several workers can read at once."""

    #: The reader cursor each part starts from; reading every part reads the source once.
    parts: list[dict]
    #: Documents in the whole read, for the sync's progress.
    total: int
    #: The reader's cursor once every part is read (where the next sync goes on from).
    after: dict | None


@dataclass
class StoredFile:
    """A file the service itself stores for the connector being read (an upload)."""

    id: int
    name: str
    mime_type: str
    sha256: str
    size: int
    uploaded_by: str
    uploaded_at: datetime
    open: Callable[[], BinaryIO]


class SourceContext:
    """The engine's side of a read. This base is what ``check()`` and tests run with."""

    batch_size: int = 100

    def stored_files(self, after: int, limit: int) -> list[StoredFile]:
        """Up to ``limit`` of the files stored for the connector being read, in id order, after
        the id ``after`` (the reader of uploads; the service's storage is the engine's)."""
        return []

    def heartbeat(self) -> None:
        """Call during long fetches and waits; raises SyncCancelled when cancelling."""

    def log(self, message: str, level: str = "info") -> None:
        """A line of the sync's log, shown to users: never put secrets in it."""

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            self.heartbeat()
            time.sleep(min(remaining, 1.0))


class Source:
    """Base of every reader. A kind without a reader yet fails honestly with ``not implemented``."""

    #: True when ``read(cursor)`` returns only what changed after ``cursor``; False when every
    #: read lists the whole source (then each completed pass prunes what it did not see).
    incremental: bool = False
    #: True when ``read`` talks only to the source (never to the service's own database): the
    #: engine then runs it in a thread of its own, reading ahead while it writes.
    read_ahead: bool = False

    def __init__(self, config: dict, context: SourceContext | None = None):
        self.config = config
        self.context = context or SourceContext()

    @classmethod
    def prepare_config(cls, config: dict) -> dict:
        """The kind's own rules on a config before schema validation (normalise, extra checks).
        Raise ``config.errors.InvalidInput`` naming the field."""
        return config

    def split(self, parts: int, *, least: int) -> Split | None:
        """A read of the whole source cut into at most ``parts`` parts of at least ``least``
        documents each, or None when it stays one read (the default)."""
        return None

    def check(self) -> None:
        raise NotImplementedSource("This connector type's reader is not implemented yet.")

    def read(self, cursor: dict | None) -> Iterator[Batch]:
        raise NotImplementedSource("This connector type's reader is not implemented yet.")
        yield  # pragma: no cover

    def close(self) -> None:
        """Release connections; called once the engine is done with the reader."""
