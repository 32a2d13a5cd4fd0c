"""Reading a source outside the engine, as a sync would: the one recording context every reader
test uses, and helpers over what a read yielded."""

from registry.sources.base import Batch, Source, SourceContext, StoredFile, SyncCancelled


class RecordingContext(SourceContext):
    """The reader's view of a sync, as the engine gives it, recording what the reader did: log
    lines, heartbeats and waits (recorded, not slept). ``cancel_after`` heartbeats, it cancels;
    ``stored_files`` stands for the engine's stored files (the upload reader's)."""

    def __init__(
        self, batch_size: int = 100, *, cancel_after: int | None = None, stored_files=None
    ):
        self.batch_size = batch_size
        self.cancel_after = cancel_after
        self.files = stored_files
        self.heartbeats = 0
        self.lines: list[tuple[str, str]] = []
        self.sleeps: list[float] = []

    def heartbeat(self) -> None:
        self.heartbeats += 1
        if self.cancel_after is not None and self.heartbeats > self.cancel_after:
            raise SyncCancelled()

    def log(self, message: str, level: str = "info") -> None:
        self.lines.append((level, message))

    def sleep(self, seconds: float) -> None:
        self.heartbeat()
        self.sleeps.append(seconds)

    def stored_files(self, after: int, limit: int) -> list[StoredFile]:
        return self.files(after, limit) if self.files else []


def read_all(source: Source, cursor: dict | None = None) -> tuple[list[Batch], dict | None]:
    """Every batch of one read, and the cursor the last batch left."""
    batches = list(source.read(cursor))
    return batches, batches[-1].cursor if batches else cursor


def read_resuming(make_source, cursor: dict | None = None) -> tuple[list[Batch], dict | None]:
    """Read one batch per fresh reader, each resumed from the previous batch's cursor, as a
    sync that is stopped and resumed after every batch would."""
    batches = []
    while True:
        source = make_source()
        try:
            iterator = source.read(cursor)
            batch = next(iterator, None)
            if batch is None:
                return batches, cursor
            batches.append(batch)
            cursor = batch.cursor
            finished = next(iterator, None) is None
        finally:
            source.close()
        if finished:
            return batches, cursor


def documents_of(batches: list[Batch]) -> list:
    return [document for batch in batches for document in batch.documents]


def documents(batches: list[Batch]) -> dict:
    return {d.external_id: d for batch in batches for d in batch.documents}


def deleted(batches: list[Batch]) -> set[str]:
    return {i for batch in batches for i in batch.deleted_external_ids}
