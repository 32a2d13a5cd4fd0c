"""``sample-data``: deterministic generated documents, for demonstrations, tests and benchmarks.

Document ``i`` (0-based) always has the same id, title and text for a given ``content_version``;
the cursor is the index of the next document, so a read resumes exactly where a batch ended.
"""

from collections.abc import Iterator
from functools import cache

from registry.sources.base import Batch, SourceDocument, SourceError, Split
from registry.sources.base import Source as BaseSource

WORDS = (
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliett",
    "kilo",
    "lima",
    "mike",
    "november",
    "oscar",
    "papa",
    "quebec",
    "romeo",
    "sierra",
    "tango",
    "uniform",
    "victor",
    "whiskey",
    "xray",
    "yankee",
    "zulu",
)
MAX_SIZE = 1_000_000


@cache
def _filler() -> str:
    """Enough varied text to cut any document from, at any offset."""
    text, index = [], 0
    length = 0
    while length < MAX_SIZE + 4096:
        word = WORDS[(index * 7 + index // len(WORDS)) % len(WORDS)]
        text.append(word)
        length += len(word) + 1
        index += 1
    return " ".join(text)


def document_text(index: int, version: int, size: int) -> str:
    head = f"Sample document {index}, version {version}. "
    if size <= len(head):
        return head[:size]
    offset = (index * 31 + version * 17) % 4096
    return head + _filler()[offset : offset + size - len(head)]


class SampleDataSource(BaseSource):
    incremental = False
    read_ahead = True

    def _option(self, name: str, default):
        value = self.config.get(name)
        return default if value is None else value

    def check(self) -> None:
        """Nothing external to reach: a valid config is a working source."""

    def split(self, parts: int, *, least: int) -> Split | None:
        """Ranges of document indexes of equal length, one per part."""
        count = int(self._option("document_count", 100))
        parts = min(parts, count // max(1, least))
        if parts < 2:
            return None
        width = -(-count // parts)
        cursors = [
            {"next": start, "end": min(count, start + width)} for start in range(0, count, width)
        ]
        return Split(parts=cursors, total=count, after=None)

    def read(self, cursor: dict | None) -> Iterator[Batch]:
        count = int(self._option("document_count", 100))
        size = min(int(self._option("document_size", 1024)), MAX_SIZE)
        delay = float(self._option("batch_delay", 0))
        version = int(self._option("content_version", 1))
        fail_after = int(self._option("fail_after", 0))
        batch_size = max(1, int(self.context.batch_size))
        start = int((cursor or {}).get("next", 0))
        # A part of a split read stops at its own end.
        stop = min(count, int((cursor or {}).get("end", count)))
        # The failure happens once per read that crosses it: a read resumed at or after it passes.
        fail_at = fail_after if 0 < fail_after < count and start < fail_after else None

        position = start
        while position < stop:
            if position == fail_at:
                raise SourceError(
                    f"Sample failure after {fail_after} documents, as configured.",
                    retryable=bool(self._option("fail_retryable", True)),
                    type="SampleFailure",
                )
            if delay:
                self.context.sleep(delay)
            self.context.heartbeat()
            end = min(stop, position + batch_size)
            if fail_at is not None and position < fail_at < end:
                end = fail_at
            documents = [
                SourceDocument(
                    external_id=f"sample-{index}",
                    title=f"Sample document {index}",
                    url=f"sample-data://documents/{index}",
                    mime_type="text/plain",
                    content=document_text(index, version, size),
                    metadata={"index": index, "version": version},
                )
                for index in range(position, end)
            ]
            next_cursor = {"next": end} if stop == count else {"next": end, "end": stop}
            yield Batch(documents=documents, cursor=next_cursor, total=count)
            position = end


Source = SampleDataSource
