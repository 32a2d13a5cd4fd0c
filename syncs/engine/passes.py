"""Where a connector stands in its source: the reader's cursor and the current pass.

``Connector.cursor`` holds ``{"reader": <reader cursor>, "pass": <pass id>, "prune": bool,
"done": <documents seen in the pass>}`` while a pass is under way, and is saved with every batch.
Each document seen gets the pass id; when a pruning pass completes, the connector's documents that
carry another pass id were not in the source any more. Because the pass id lives on the connector,
a pass interrupted by a dead worker and resumed by the next sync still prunes exactly.

A reader that lists the whole source on every read (``incremental = False``) prunes on every
completed pass and starts the next sync from no cursor. An incremental reader keeps its cursor
between syncs and prunes only after a ``full`` sync, which restarts it from no cursor, or after a
read in which it said a full listing starts (``Batch.starts_full_pass``).

A pass that begins on a connector with no documents is ``fresh``: until it ends (or the reader
starts listing in full again), every stored document came from this pass, so new ones can be
written without looking for a stored copy first.

The state is written to the connector when a sync starts and with every batch. Editing the
connector's config clears the cursor (``connector_update``): a sync whose pass is no longer the
connector's then stops without writing, and the next sync starts afresh.
"""

import uuid
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class PassState:
    reader: dict | None
    pass_id: str
    prune: bool
    done: int = 0
    fresh: bool = False

    @classmethod
    def begin(
        cls, stored: dict | None, *, incremental: bool, full: bool, empty: bool = False
    ) -> "PassState":
        """The state a new sync starts from; ``empty``: the connector has no documents."""
        stored = stored if isinstance(stored, dict) else {}
        if full:
            return cls(reader=None, pass_id=str(uuid.uuid4()), prune=True, fresh=empty)
        if stored.get("pass"):
            return cls.resume(stored)
        return cls(
            reader=stored.get("reader") if incremental else None,
            pass_id=str(uuid.uuid4()),
            prune=not incremental,
            fresh=empty,
        )

    @classmethod
    def resume(cls, stored: dict | None) -> "PassState":
        """The state a continuing task run starts from (the last committed batch's)."""
        stored = stored if isinstance(stored, dict) else {}
        return cls(
            reader=stored.get("reader"),
            pass_id=stored.get("pass") or str(uuid.uuid4()),
            prune=bool(stored.get("prune")),
            done=int(stored.get("done") or 0),
            fresh=stored.get("fresh") is True,
        )

    def restarted(self) -> "PassState":
        """A new pruning pass from here on: the reader lists the whole source again."""
        return replace(self, pass_id=str(uuid.uuid4()), prune=True, done=0, fresh=False)

    def is_current(self, stored: dict | None) -> bool:
        """Whether the connector's stored cursor still belongs to this pass."""
        return isinstance(stored, dict) and stored.get("pass") == self.pass_id

    def after_batch(self, cursor: dict | None, seen: int) -> "PassState":
        return replace(self, reader=cursor, done=self.done + seen)

    def as_json(self) -> dict:
        state = {
            "reader": self.reader,
            "pass": self.pass_id,
            "prune": self.prune,
            "done": self.done,
        }
        if self.fresh:
            state["fresh"] = True
        return state

    def completed(self, *, incremental: bool) -> dict | None:
        """The connector's cursor once the source is exhausted: a whole-source reader starts over
        next time, an incremental one goes on from where it is."""
        return {"reader": self.reader} if incremental else None
