"""How a task run of a sync ends: one type for every ending (``RunEnd``), and the exception that
voids a pass whose connector was edited meanwhile."""

import enum
from dataclasses import dataclass

from syncs.engine.failures import Failure

PASS_RESET_MESSAGE = (
    "The connector's configuration changed during this sync; the next sync starts a fresh pass."
)


class How(enum.Enum):
    EXHAUSTED = "exhausted"  # the source has nothing more to read: the sync succeeds
    HANDED_ON = "handed_on"  # max_batches stored: a fresh task run goes on from the checkpoint
    CANCELLED = "cancelled"  # cancel requested, or the connector was stopped or deleted
    PASS_RESET = "pass_reset"  # the connector's config changed: this pass is void
    FAILED = "failed"  # ``failure`` says why


@dataclass(frozen=True)
class RunEnd:
    how: How
    failure: Failure | None = None

    @classmethod
    def failed(cls, failure: Failure) -> "RunEnd":
        return cls(How.FAILED, failure)


EXHAUSTED = RunEnd(How.EXHAUSTED)
HANDED_ON = RunEnd(How.HANDED_ON)
CANCELLED = RunEnd(How.CANCELLED)
PASS_RESET = RunEnd(How.PASS_RESET)


class PassReset(Exception):
    """The connector's cursor no longer belongs to this sync's pass (its config was edited)."""
