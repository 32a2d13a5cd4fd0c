"""Reading the source while the engine writes: a reader thread and a bounded hand-over.

A kind whose reader talks only to its source (``Source.read_ahead``) runs in a thread of its own;
its batches wait in a queue bounded by documents and content bytes, so the source and the
service's database work at the same time while memory stays flat. The thread never touches the
service's database: its context's ``heartbeat`` only checks whether the engine asked it to stop,
and its log lines travel through the queue, in order with the batches, for the engine to write.

Any other reader (one that reads the service's own database, like ``upload``) runs in the
engine's thread, exactly as a generator.
"""

import threading
import time
from collections import deque
from dataclasses import dataclass

from registry.sources.base import Batch, SourceContext, SyncCancelled

# How long ``close`` waits for a reader thread caught in a slow call, before and after closing
# its connections.
STOP_WAIT_SECONDS = 5.0
CLOSED_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class LogLine:
    message: str
    level: str


class Exhausted:
    """The read ended: every batch was handed over."""


class Failed:
    def __init__(self, error: BaseException):
        self.error = error


def batch_weight(batch: Batch) -> tuple[int, int]:
    """(documents and listed ids, content characters) of a batch: what it costs to hold."""
    documents = batch.documents or ()
    listed = batch.listed_external_ids or ()
    return len(documents) + len(listed), sum(len(d.content or "") for d in documents)


class _ThreadContext(SourceContext):
    """The reader thread's side of the engine's context."""

    def __init__(self, ahead: "ReadAhead", engine_context: SourceContext):
        self.ahead = ahead
        self.batch_size = engine_context.batch_size

    def heartbeat(self) -> None:
        if self.ahead.stopping.is_set():
            raise SyncCancelled()

    def log(self, message: str, level: str = "info") -> None:
        self.ahead._put(LogLine(str(message), level), weight=(0, 0))


class ReadAhead:
    """Runs ``reader.read(cursor)`` in a thread; ``next(timeout)`` hands over what it yielded:
    a ``Batch``, a ``LogLine``, ``Exhausted``, a ``Failed`` or None (nothing yet)."""

    def __init__(self, reader, cursor, engine_context, *, documents: int, characters: int):
        self.reader = reader
        self.cursor = cursor
        self.limits = (max(1, documents), max(1, characters))
        self.items: deque = deque()
        self.held = [0, 0]
        self.changed = threading.Condition()
        self.stopping = threading.Event()
        self.reader.context = _ThreadContext(self, engine_context)
        self.thread = threading.Thread(target=self._run, name="sync-reader", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        batches = None
        try:
            batches = self.reader.read(self.cursor)
            for batch in batches:
                if not self._put(batch, weight=batch_weight(batch)):
                    return
            self._put(Exhausted(), weight=(0, 0))
        except BaseException as error:
            self._put(Failed(error), weight=(0, 0))
        finally:
            if batches is not None and hasattr(batches, "close"):
                try:
                    batches.close()
                except Exception:
                    pass

    def _put(self, item, *, weight: tuple[int, int]) -> bool:
        """Queue an item once there is room (one item always fits); False once stopping."""
        with self.changed:
            while self.items and not self.stopping.is_set() and self._full():
                self.changed.wait(0.5)
            if self.stopping.is_set():
                return False
            self.items.append((item, weight))
            self.held[0] += weight[0]
            self.held[1] += weight[1]
            self.changed.notify_all()
            return True

    def _full(self) -> bool:
        return self.held[0] >= self.limits[0] or self.held[1] >= self.limits[1]

    def next(self, timeout: float):
        deadline = time.monotonic() + max(0.0, timeout)
        with self.changed:
            while not self.items:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.changed.wait(remaining)
            item, weight = self.items.popleft()
            self.held[0] -= weight[0]
            self.held[1] -= weight[1]
            self.changed.notify_all()
            return item

    def close(self) -> None:
        """Stop the thread and wait for it; then the caller closes the reader."""
        self.stopping.set()
        with self.changed:
            self.items.clear()
            self.changed.notify_all()
        self.thread.join(STOP_WAIT_SECONDS)
        if self.thread.is_alive():
            # Caught in a slow call to its source: closing its connections ends that call.
            try:
                self.reader.close()
            except Exception:
                pass
            self.thread.join(CLOSED_WAIT_SECONDS)


class Inline:
    """The same hand-over for a reader that runs in the engine's thread."""

    def __init__(self, reader, cursor):
        self.reader = reader
        self.batches = reader.read(cursor)
        self.done = False

    def next(self, timeout: float):
        if self.done:
            return Exhausted()
        try:
            return next(self.batches)
        except StopIteration:
            self.done = True
            return Exhausted()

    def close(self) -> None:
        if hasattr(self.batches, "close"):
            self.batches.close()
