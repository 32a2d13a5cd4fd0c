"""Concurrent registrations of versions of one connector type, on PostgreSQL through a live
gunicorn: at most one version ends Live, and a registration that loses the race gets the
registry's error envelope (409), never a 500 and never a second Live version."""

import os
import shutil
import tempfile
import threading
from pathlib import Path

import httpx
import pytest

from tests.registry.packages import make_zip, package_files
from tests.servers import gunicorn, postgres
from tests.servers.manage import manage

pytestmark = pytest.mark.worker

CONNECTOR_ID = "race-connector"
AT_ONCE = 6
MAX_ROUNDS = 10


@pytest.fixture
def registry_server():
    work = Path(tempfile.mkdtemp(prefix="registry-race."))
    database = postgres.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CONNECTOR_HUB_VAR_DIR": str(work / "var"),
        "DATABASE_URL": database.url,
        "CONNECTOR_HUB_THROTTLE_ENABLED": "false",
    }
    server = None
    try:
        manage(env, "migrate", "--noinput")
        created = manage(
            env, "create_api_key", "--workspace", "race", "--create-workspace", "--registry"
        )
        server = gunicorn.start(env, work / "logs", workers=2, threads=AT_ONCE)
        yield server, created.strip().splitlines()[-1]
    finally:
        if server is not None:
            server.stop()
        database.stop()
        shutil.rmtree(work, ignore_errors=True)


def register_at_once(url: str, key: str, versions: list[str]) -> dict[str, httpx.Response]:
    """One thread per version, each on a connection opened beforehand, released together."""
    clients = [httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) for _ in versions]
    for client in clients:
        client.get("/healthz")
    start = threading.Barrier(len(versions))
    answers: dict[str, httpx.Response] = {}

    def register(client, version):
        archive = make_zip(package_files(CONNECTOR_ID, version, implementation="sample-data"))
        start.wait()
        answers[version] = client.post(
            "/v2/connector/register", files={"file": (f"{version}.zip", archive)}
        )

    threads = [
        threading.Thread(target=register, args=pair) for pair in zip(clients, versions, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    return answers


def live_versions(url: str, key: str) -> list[str]:
    listed = httpx.post(
        f"{url}/v2/connectors/list",
        headers={"X-API-Key": key},
        json={"request": {"filters": {"status": ["Live"]}}},
        timeout=30,
    )
    assert listed.status_code == 200, listed.text
    return [
        row["version"]
        for row in listed.json()["result"]["data"]
        if row["connector_id"] == CONNECTOR_ID
    ]


def test_concurrent_registrations_leave_one_live_version(registry_server):
    server, key = registry_server
    refused = 0
    for round_number in range(1, MAX_ROUNDS + 1):
        versions = [f"{round_number}.{n}.0" for n in range(AT_ONCE)]
        answers = register_at_once(server.url, key, versions)

        for version, answer in answers.items():
            assert answer.status_code in (200, 409), (version, answer.status_code, answer.text)
            body = answer.json()
            if answer.status_code == 409:
                refused += 1
                assert body["params"]["status"] == "FAILED"
                assert body["responseCode"] == "CONFLICT"
                assert body["result"] == {}
                assert body["error"]["code"] == "CONNECTOR_ALREADY_EXISTS"
                assert "published at the same time" in body["error"]["message"]
            else:
                assert body["result"]["connectors"] == [
                    {"id": f"{CONNECTOR_ID}-{version}", "status": "Live"}
                ]
        (live,) = live_versions(server.url, key)
        registered = [v for v, a in answers.items() if a.status_code == 200]
        assert live in registered
        if refused:
            break
    assert refused, f"no registration overlapped another in {MAX_ROUNDS} rounds"
    print(f"\n{round_number} round(s) of {AT_ONCE} registrations at once: {refused} refused")
