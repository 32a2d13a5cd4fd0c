"""The reader tests' fixtures (the servers they use are shared by the whole run:
``tests/servers/fixtures.py``)."""

import json

import pytest

from connectors import services
from registry.sources.installed import KINDS_DIR
from tests.reading import RecordingContext


@pytest.fixture
def context():
    return RecordingContext()


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
