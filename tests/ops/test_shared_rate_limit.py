"""With ``CONNECTOR_HUB_CACHE_URL`` pointing at Redis, every web process counts an API key's
requests against one limit: gunicorn with four worker processes lets exactly the allowed number
through, where per-process counters would let up to four times as many pass, and so does a burst
over 50 concurrent connections, where a read-then-write counter would let more through."""

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
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
        # A day-long window: the test never straddles two windows.
        "CONNECTOR_HUB_API_RATE_PER_KEY": f"{ALLOWED}/day",
    }

    manage(env, "migrate", "--noinput")
    manage(env, "create_workspace", "limits", "--name", "Limits")
    created = manage(env, "create_api_key", "--workspace", "limits", "--name", "ci")
    key = created.strip().splitlines()[-1]
    server = gunicorn.start(env, var_dir / "logs", workers=4, threads=4)
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


CONNECTIONS = 50


def test_concurrent_connections_never_pass_more_than_the_limit(four_web_processes):
    server, key = four_web_processes

    def three_requests(_) -> list[int]:
        with httpx.Client(base_url=server.url, headers={"X-API-Key": key}, timeout=60) as client:
            return [
                client.get("/v1/connector/list_connectors/limits").status_code for _ in range(3)
            ]

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        statuses = [
            status for batch in pool.map(three_requests, range(CONNECTIONS)) for status in batch
        ]
    assert len(statuses) == CONNECTIONS * 3
    assert statuses.count(200) == ALLOWED, statuses
    assert statuses.count(429) == CONNECTIONS * 3 - ALLOWED, statuses
