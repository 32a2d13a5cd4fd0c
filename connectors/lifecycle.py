"""The connector lifecycle: one transition table, read by every entry point through the services.

``TRANSITIONS[state][action]`` is the state the action leads to, ``NOOP`` when the action is
already in effect, or absent when the action is refused in that state.
"""

from django.db import models


class State(models.TextChoices):
    STARTING = "starting", "Starting"
    RUNNING = "running", "Running"
    STOPPED = "stopped", "Stopped"
    FAILED = "failed", "Failed"


class Action(models.TextChoices):
    START = "start", "Start"
    STOP = "stop", "Stop"
    FAIL = "fail", "Fail"
    EDIT = "edit", "Edit config"
    SYNC = "sync", "Sync now"
    DELETE = "delete", "Delete"


NOOP = "noop"
DELETED = "deleted"

TRANSITIONS: dict[str, dict[str, str]] = {
    State.STARTING: {
        Action.START: NOOP,
        Action.STOP: State.STOPPED,
        Action.FAIL: State.FAILED,
        Action.EDIT: State.STARTING,
        Action.SYNC: State.STARTING,
        Action.DELETE: DELETED,
    },
    State.RUNNING: {
        Action.START: NOOP,
        Action.STOP: State.STOPPED,
        Action.FAIL: State.FAILED,
        Action.EDIT: State.STARTING,
        Action.SYNC: State.RUNNING,
        Action.DELETE: DELETED,
    },
    State.STOPPED: {
        Action.START: State.STARTING,
        Action.STOP: NOOP,
        Action.FAIL: State.FAILED,
        Action.EDIT: State.STOPPED,
        Action.DELETE: DELETED,
    },
    State.FAILED: {
        Action.START: State.STARTING,
        Action.STOP: State.STOPPED,
        Action.FAIL: NOOP,
        Action.EDIT: State.STARTING,
        Action.DELETE: DELETED,
    },
}


def allowed_actions(state: str) -> list[str]:
    return [str(action) for action in TRANSITIONS[state]]


def next_state(state: str, action: str) -> str:
    """The outcome of ``action`` in ``state``; raises TransitionRefused when the table says no."""
    from config.errors import TransitionRefused

    try:
        return TRANSITIONS[state][action]
    except KeyError:
        raise TransitionRefused(
            state=state, action=action, allowed=allowed_actions(state)
        ) from None
