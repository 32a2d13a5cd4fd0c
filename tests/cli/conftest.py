import subprocess
import sys

import pytest

from connectors import services
from connectors.lifecycle import State
from connectors.tasks import check_connector
from tests.servers.celery_worker import ROOT, celery_processes, service_env  # noqa: F401


@pytest.fixture
def cli(transactional_db):
    """Run ``manage.py`` in a real process against the test database."""

    def run(*args, stdin: str | None = None):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=service_env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
        )

    return run


@pytest.fixture
def sample_connector(catalog, workspace, owner):
    """A running ``sample-data`` connector (its real check has passed)."""

    def make(name="sample", **config):
        connector = services.connector_create(
            actor=owner,
            workspace=workspace,
            definition=catalog["sample-data"],
            name=name,
            config=config,
        )
        check_connector(str(connector.pk), str(connector.check_token))
        connector.refresh_from_db()
        assert connector.state == State.RUNNING, connector.state_reason
        return connector

    return make
