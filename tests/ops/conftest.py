"""Fixtures of the sync tests reused here: sample-data connectors, running a sync to its end."""

import pytest

from ops.metrics import snapshot
from tests.servers.celery_worker import celery_processes  # noqa: F401 (a fixture)
from tests.servers.redis import redis_server  # noqa: F401 (a fixture)
from tests.syncs.conftest import (  # noqa: F401 (fixtures)
    make_sample_connector,
    sample_definition,
    sync_to_end,
)


@pytest.fixture(autouse=True)
def fresh_metrics_snapshot():
    """Each test reads the database and broker as they are, not a reading cached by another."""
    snapshot.clear()
    yield
    snapshot.clear()
