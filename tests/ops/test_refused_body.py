"""A body over the limit is refused (413) on a connection the client can go on using: gunicorn
answers ``Connection: close`` (it would otherwise drop the connection after announcing
keep-alive), so a client with a single connection opens a new one and its next request works."""

import os
import shutil
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.servers import gunicorn
from tests.servers.manage import manage

pytestmark = pytest.mark.worker

LIMIT = 64 * 1024


@pytest.fixture
def web():
    var_dir = Path(tempfile.mkdtemp(prefix="refused-body."))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CONNECTOR_HUB_VAR_DIR": str(var_dir),
        "DATABASE_URL": f"sqlite:///{var_dir / 'db.sqlite3'}",
        "CONNECTOR_HUB_THROTTLE_ENABLED": "false",
        "CONNECTOR_HUB_MAX_BODY_BYTES": str(LIMIT),
    }
    manage(env, "migrate", "--noinput")
    manage(env, "create_workspace", "bodies", "--name", "Bodies")
    key = manage(env, "create_api_key", "--workspace", "bodies", "--name", "ci")
    server = gunicorn.start(env, var_dir / "logs", workers=1, threads=2)
    try:
        yield server, key.strip().splitlines()[-1]
    finally:
        server.stop()
        shutil.rmtree(var_dir, ignore_errors=True)


def test_one_connection_goes_on_after_a_413(web):
    server, key = web
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    with httpx.Client(
        base_url=server.url, headers={"X-API-Key": key}, limits=limits, timeout=30
    ) as client:
        assert client.get("/v1/spaces").status_code == 200
        small = client.post("/v1/spaces", json={"name": "fits"})
        assert small.status_code == 201 and small.headers["connection"] == "keep-alive"

        for size in (LIMIT + 1, 4 * LIMIT, 40 * LIMIT):
            refused = client.post("/v1/spaces", json={"name": "x" * size})
            assert refused.status_code == 413
            assert refused.json()["code"] == "request_too_large"
            assert refused.headers["connection"] == "close"
            after = client.get("/v1/spaces")
            assert after.status_code == 200, after.text
            assert [space["name"] for space in after.json()["data"]] == ["fits"]
