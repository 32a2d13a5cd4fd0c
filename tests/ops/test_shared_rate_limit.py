"""With ``CONNECTOR_HUB_CACHE_URL`` pointing at Redis, every web process counts an API key's
requests against one limit: gunicorn with four worker processes lets exactly the allowed number
through, where per-process counters would let up to four times as many pass."""

import os
import shutil
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.servers import gunicorn
from tests.servers.manage import manage

pytestmark = pytest.mark.worker

ALLOWED = 5


@pytest.fixture
def four_web_processes(redis_server):
    var_dir = Path(tempfile.mkdtemp(prefix="rate-limit."))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CONNECTOR_HUB_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "CONNECTOR_HUB_CACHE_URL": redis_server.url.rsplit("/", 1)[0] + "/7",
        "CONNECTOR_HUB_THROTTLE_ENABLED": "true",
        "CONNECTOR_HUB_API_RATE_PER_KEY": f"{ALLOWED}/minute",
    }

    manage(env, "migrate", "--noinput")
    manage(env, "create_workspace", "limits", "--name", "Limits")
    created = manage(env, "create_api_key", "--workspace", "limits", "--name", "ci")
    key = created.strip().splitlines()[-1]
    server = gunicorn.start(env, var_dir / "logs", workers=4, threads=1)
    try:
        yield server, key
    finally:
        server.stop()
        shutil.rmtree(var_dir, ignore_errors=True)


def test_every_web_process_counts_against_one_limit(four_web_processes):
    server, key = four_web_processes
    statuses = []
    for _ in range(ALLOWED * 4):
        # A fresh connection each time, so that the requests spread over the processes.
        with httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {key}"}
        ) as client:
            response = client.get("/v1/connector/list_connectors/limits")
        statuses.append(response.status_code)
    assert statuses.count(200) == ALLOWED, statuses
    assert statuses.count(429) == ALLOWED * 3, statuses
