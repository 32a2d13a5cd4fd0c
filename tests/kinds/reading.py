"""Running readers the way the engine does: batch by batch, resuming from saved cursors."""

from connectors.sources.base import Batch, Source, SourceContext


class RecordingContext(SourceContext):
    """A context that records log lines and waits instead of sleeping."""

    def __init__(self, batch_size: int = 100):
        self.batch_size = batch_size
        self.logs: list[tuple[str, str]] = []
        self.sleeps: list[float] = []
        self.heartbeats = 0

    def heartbeat(self) -> None:
        self.heartbeats += 1

    def log(self, message: str, level: str = "info") -> None:
        self.logs.append((level, message))

    def sleep(self, seconds: float) -> None:
        self.heartbeat()
        self.sleeps.append(seconds)


def read_all(source: Source, cursor: dict | None = None) -> tuple[list[Batch], dict | None]:
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


def documents(batches: list[Batch]) -> dict:
    return {d.external_id: d for batch in batches for d in batch.documents}


def deleted(batches: list[Batch]) -> set[str]:
    return {i for batch in batches for i in batch.deleted_external_ids}
