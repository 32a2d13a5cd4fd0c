"""Write groups: the source batches one write transaction stores.

A source's ``batch_size`` is how it pages through its data; how much the engine writes per
transaction is decided here: up to ``rows`` documents, ``characters`` of content or ``seconds``
since the group's first batch arrived, whichever comes first
(``CONNECTOR_HUB_SYNC_COMMIT_ROWS`` / ``CONNECTOR_HUB_SYNC_COMMIT_SECONDS``).
"""

import time
from dataclasses import dataclass, field

from django.conf import settings

from registry.sources.base import Batch
from syncs.engine.readahead import batch_weight

# Content held by one group (and by the batches read ahead of it), in characters.
GROUP_CHARACTERS = 32 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    rows: int
    characters: int
    seconds: float

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            rows=max(1, settings.CONNECTOR_HUB_SYNC_COMMIT_ROWS),
            characters=GROUP_CHARACTERS,
            seconds=max(0.0, settings.CONNECTOR_HUB_SYNC_COMMIT_SECONDS),
        )


@dataclass
class WriteGroup:
    batches: list[Batch] = field(default_factory=list)
    rows: int = 0
    characters: int = 0
    opened: float = 0.0

    def add(self, batch: Batch) -> None:
        if not self.batches:
            self.opened = time.monotonic()
        self.batches.append(batch)
        rows, characters = batch_weight(batch)
        self.rows += rows
        self.characters += characters

    def age(self) -> float:
        return time.monotonic() - self.opened if self.batches else 0.0

    def full(self, limits: Limits) -> bool:
        return (
            self.rows >= limits.rows
            or self.characters >= limits.characters
            or self.age() >= limits.seconds
        )

    @property
    def total(self) -> int | None:
        """The source's latest word on how many documents the pass has."""
        for batch in reversed(self.batches):
            if batch.total is not None:
                return batch.total
        return None

    def clear(self) -> None:
        self.batches = []
        self.rows = self.characters = 0
