"""A recording reader context (the servers the reader tests use are shared by the whole run:
``tests/servers/fixtures.py``)."""

import json

import pytest

from connectors import services
from connectors.sources.base import SourceContext, SyncCancelled
from connectors.sources.registry import KINDS_DIR


class RecordingContext(SourceContext):
    """The reader's view of a sync, as the engine gives it, recording what the reader did."""

    def __init__(self, batch_size: int = 100, connector_id=None, cancel_after: int | None = None):
        self.batch_size = batch_size
        self.connector_id = connector_id
        self.heartbeats = 0
        self.lines: list[tuple[str, str]] = []
        self.sleeps: list[float] = []
        self.cancel_after = cancel_after

    def heartbeat(self) -> None:
        self.heartbeats += 1
        if self.cancel_after is not None and self.heartbeats > self.cancel_after:
            raise SyncCancelled()

    def log(self, message: str, level: str = "info") -> None:
        self.lines.append((level, message))

    def sleep(self, seconds: float) -> None:
        """Waits are recorded, not slept."""
        self.heartbeat()
        self.sleeps.append(seconds)


@pytest.fixture
def context():
    return RecordingContext()


def read_all(source, cursor=None):
    """Every batch of one read, and the cursor the last batch left."""
    batches = list(source.read(cursor))
    return batches, (batches[-1].cursor if batches else cursor)


def documents_of(batches):
    return [document for batch in batches for document in batch.documents]


@pytest.fixture
def upload_definition(make_definition):
    spec = json.loads((KINDS_DIR / "upload" / "ui-config.json").read_text())
    return make_definition(connector_id="upload", ui_spec=spec, category="Files")


@pytest.fixture
def inbox(owner, workspace, upload_definition, collection):
    """An upload connector attached to ``collection``."""
    return services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=upload_definition,
        name="inbox",
        config={},
        collections=[collection],
    )
