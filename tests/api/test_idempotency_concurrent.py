"""Concurrent requests sharing an Idempotency-Key, from threads against a live server: whatever
the first request's outcome, no request answers 500; a successful creation happens once and its
copies replay it or wait (409)."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import httpx
import pytest

from tenancy.models import Space
from tests.api.conftest import _key
from tests.servers.web import web_server

pytestmark = [pytest.mark.worker, pytest.mark.database]

THREADS = 16
ROUNDS = 3


def _burst(server, key: str, idempotency_key: str, body: dict) -> list[httpx.Response]:
    start = Barrier(THREADS)

    def post(_):
        with httpx.Client(base_url=server.url, headers={"X-API-Key": key}, timeout=60) as client:
            start.wait()
            return client.post(
                "/v1/spaces", json=body, headers={"Idempotency-Key": idempotency_key}
            )

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(post, range(THREADS)))


def test_concurrent_copies_of_a_request_never_answer_500(transactional_db, workspace, tmp_path):
    key = _key(workspace)
    seen = {}
    with web_server(tmp_path, CONNECTOR_HUB_THROTTLE_ENABLED="false") as server:
        for round_number in range(ROUNDS):
            # A request that fails (400): the key is freed after each failure.
            failing = _burst(server, key, f"fails-{round_number}", {"name": ""})
            statuses = [response.status_code for response in failing]
            assert set(statuses) <= {400, 409}, statuses
            assert 400 in statuses
            for response in failing:
                assert response.json()["code"] in ("invalid", "idempotency_key_in_flight")

            # A request that succeeds: one space, every other copy replays it or is told to wait.
            name = f"Space {round_number}"
            created = _burst(server, key, f"creates-{round_number}", {"name": name})
            statuses = [response.status_code for response in created]
            assert set(statuses) <= {201, 409}, statuses
            bodies = {response.json()["id"] for response in created if response.status_code == 201}
            assert len(bodies) == 1, bodies
            assert Space.objects.filter(workspace=workspace, name=name).count() == 1
            replayed = [r for r in created if r.headers.get("Idempotent-Replayed") == "true"]
            assert len(replayed) == statuses.count(201) - 1
            for status in statuses:
                seen[status] = seen.get(status, 0) + 1
    assert 500 not in seen
