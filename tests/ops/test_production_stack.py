"""The production topology, driven only through HTTP: PostgreSQL + Redis + an S3 bucket for media
+ gunicorn + two worker processes + beat, each process with a var folder of its own (nothing on
disk shared, as on separate machines: ``tests/servers/deployment.py``). Fifty sample-data
connectors get a ``when`` schedule a few seconds ahead; beat fires them; one worker is killed
mid-run and replaced; every sync ends, the interrupted ones are resumed through the API, and every
connector holds exactly its documents, imported once. An upload connector's files, received by
the web process, are synced by a worker."""

import json
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import gunicorn, postgres
from tests.servers.celery_worker import start_beat, start_worker, wait_until
from tests.servers.deployment import Deployment
from tests.servers.manage import manage

pytestmark = pytest.mark.worker

CONNECTORS, DOCUMENTS = 50, 200
SAMPLE_CONFIG = {
    "document_count": DOCUMENTS,
    "document_size": 64,
    "batch_delay": 0.03,
    "operations_config": {"batch_size": 20, "max_batches": 4},
}
FINISHED = {"succeeded", "failed", "cancelled"}
LEAD = 8  # seconds between creating a connector and its scheduled sync


@pytest.fixture
def stack(redis_server, moto):
    """The services and processes of one deployment, every one stopped at teardown."""
    log_dir = Path(tempfile.mkdtemp(prefix="stack-logs."))
    database = postgres.start()
    started = []
    deployment = Deployment(
        log_dir,
        database_url=database.url,
        broker_url=redis_server.url.rsplit("/", 1)[0] + "/5",
        moto=moto,
        CONNECTOR_HUB_LOG_FORMAT="json",
        CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT="8",
        CONNECTOR_HUB_CHECK_LOST_AFTER="10",
        CONNECTOR_HUB_SYNC_LIVENESS_INTERVAL="2",
        CONNECTOR_HUB_BEAT_TICK_INTERVAL="1",
        CONNECTOR_HUB_WORKER_HEARTBEAT_INTERVAL="2",
    )

    class Stack:
        def __init__(self):
            self.deployment, self.log_dir, self.workers = deployment, log_dir, []

        def manage(self, *args) -> str:
            return manage(deployment.env("manage"), *args)

        def web(self):
            self.server = gunicorn.start(deployment.env("web"), log_dir, workers=2, threads=2)
            started.append(self.server)
            return self.server

        def worker(self):
            process = start_worker(deployment.env("worker"), log_dir, concurrency=2)
            started.append(process)
            self.workers.append(process)
            return process

        def beat(self):
            started.append(start_beat(deployment.env("beat"), log_dir))

        def logs(self) -> str:
            return "\n".join(
                f"== {path.name} ==\n" + "\n".join(path.read_text().splitlines()[-15:])
                for path in sorted(log_dir.glob("*.log"))
            )

    try:
        yield Stack()
    finally:
        for process in started:
            if hasattr(process, "request_stop"):
                process.request_stop()
        for process in reversed(started):
            process.stop()
        database.stop()
        shutil.rmtree(log_dir, ignore_errors=True)


def metric_samples(text: str) -> dict:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_fifty_scheduled_connectors_survive_a_worker_restart(stack, caplog):
    caplog.set_level("WARNING", logger="httpx")  # hundreds of polls: keep a failure's output short
    stack.manage("migrate", "--noinput")
    stack.manage("load_catalog")
    key = stack.manage("create_api_key", "--workspace", "acme", "--create-workspace")
    key = key.strip().splitlines()[-1]
    server = stack.web()
    first_worker = stack.worker()
    stack.worker()
    stack.beat()
    api = httpx.Client(base_url=server.url, headers={"X-API-Key": key}, timeout=30)

    wait_until(
        lambda: api.get("/readyz").status_code == 200,
        timeout=30,
        message=lambda: api.get("/readyz").text,
    )
    space = api.post("/v1/spaces", json={"name": "Load"}).json()["id"]
    collection = api.post(f"/v1/spaces/{space}/collections", json={"name": "All"}).json()["id"]
    base = f"/v1/spaces/{space}/collections/{collection}/connectors"

    connectors, schedules = [], {}
    for n in range(CONNECTORS):
        at = datetime.now(UTC) + timedelta(seconds=LEAD)
        created = api.post(
            base,
            json={
                "name": f"sample-{n:02d}",
                "type": "sample-data",
                "config": SAMPLE_CONFIG,
                "schedule": {"type": "when", "at": at.isoformat()},
            },
        )
        assert created.status_code == 201, created.text
        connectors.append(created.json()["id"])
        schedules[created.json()["id"]] = at

    def syncs_of(connector_id) -> list[dict]:
        response = api.get(f"{base}/{connector_id}/sync", params={"limit": 20})
        assert response.status_code == 200, response.text
        return response.json()["data"]  # newest first

    def latest_statuses() -> dict[str, str | None]:
        result = {}
        for connector_id in connectors:
            syncs = syncs_of(connector_id)
            result[connector_id] = syncs[0]["status"] if syncs else None
        return result

    # Beat fires the schedules; once some syncs are done and others still running, kill a worker.
    def some_done_and_some_active():
        statuses = latest_statuses()
        done = sum(1 for s in statuses.values() if s == "succeeded")
        unfinished = sum(1 for s in statuses.values() if s not in FINISHED)
        return (done, unfinished) if done >= 8 and unfinished else None

    done, unfinished = wait_until(
        some_done_and_some_active, timeout=60, interval=0.5, message=stack.logs
    )
    first_worker.kill()
    replacement = stack.worker()
    assert "syncs.tasks.run_sync" in first_worker.log()

    def all_finished():
        statuses = latest_statuses()
        return statuses if all(s in FINISHED for s in statuses.values()) else None

    def still_waiting() -> str:
        """The connectors still waiting, with their latest sync: what a failure needs to show."""
        report = []
        for connector_id, status in latest_statuses().items():
            if status not in FINISHED:
                connector = api.get(f"{base}/{connector_id}").json()
                report.append(
                    f"{connector}\n  latest sync: {(syncs_of(connector_id) or [None])[0]}"
                )
        return "\n".join(report) + "\n" + stack.logs()

    # The syncs the killed worker was running are taken up again by themselves: a new attempt
    # resumes each from its checkpoint.
    statuses = wait_until(all_finished, timeout=120, interval=1, message=still_waiting)
    assert set(statuses.values()) == {"succeeded"}, statuses
    interrupted = []
    for connector_id in connectors:
        (last,) = syncs_of(connector_id)[:1]
        outcomes = [attempt["outcome"] for attempt in last["attempts"]]
        if "worker_lost" in outcomes:
            interrupted.append(connector_id)
            assert outcomes == ["worker_lost", "succeeded"], last

    total_created = 0
    for connector_id in connectors:
        syncs = syncs_of(connector_id)[::-1]  # oldest first
        assert syncs[0]["trigger"] == "schedule"
        fired = datetime.fromisoformat(syncs[0]["queued_at"].replace("Z", "+00:00"))
        assert fired >= schedules[connector_id]  # beat fired it when due, not before
        assert [s["status"] for s in syncs] == ["succeeded"]
        created = sum(s["documents"]["created"] for s in syncs)
        assert created == DOCUMENTS, syncs  # resumed from the checkpoint: nothing imported twice
        total_created += created
        stored = api.get(f"/layar/liveSource/{connector_id}/sourceDocuments", params={"rows": 1})
        assert stored.json()["total"] == DOCUMENTS

    # A file received by the web process is read by a worker: through the bucket, since no
    # process can see another's disk.
    inbox = api.post(base, json={"name": "inbox", "type": "upload", "config": {}})
    assert inbox.status_code == 201, inbox.text
    inbox = inbox.json()["id"]
    uploaded = api.post(
        f"{base}/{inbox}/files",
        files={"files": ("minutes.txt", b"Minutes of the board meeting.", "text/plain")},
    )
    assert uploaded.status_code == 201, uploaded.text
    wait_until(
        lambda: syncs_of(inbox)[0]["status"] in FINISHED,
        timeout=60,
        interval=0.5,
        message=stack.logs,
    )
    (upload_sync,) = syncs_of(inbox)
    assert upload_sync["status"] == "succeeded", upload_sync
    assert upload_sync["documents"]["created"] == 1
    assert [k.split("/")[:3] for k in stack.deployment.media_keys()] == [
        ["media", "uploads", inbox]
    ]
    assert stack.deployment.local_files() == []

    # The worker counts a finished sync in the metrics just after committing its end, and the
    # web caches the figures for a few seconds: wait for the last sync to be counted.
    succeeded = frozenset({("status", "succeeded")})
    found = {}

    def every_sync_counted():
        found.clear()
        found.update(metric_samples(api.get("/metrics").text))
        return found.get(("connector_hub_syncs_finished_total", succeeded)) == CONNECTORS + 1

    wait_until(every_sync_counted, timeout=30, interval=1, message=lambda: str(found))
    failed = frozenset({("status", "failed")})
    assert found.get(("connector_hub_syncs_finished_total", failed), 0) == 0
    assert found[("connector_hub_documents_imported_total", frozenset())] == total_created + 1
    assert found[("connector_hub_queue_depth", frozenset({("queue", "syncs")}))] == 0
    worker_ages = {
        dict(labels)["worker"]: age
        for (name, labels), age in found.items()
        if name == "connector_hub_worker_heartbeat_age_seconds"
    }
    assert len(worker_ages) == 3  # the killed worker's row stays, getting older
    assert api.get("/readyz").status_code == 200

    # The replacement worker logged JSON lines; those of sync logs carry the three ids.
    lines = [json.loads(line) for line in replacement.log().splitlines() if line.startswith("{")]
    sync_lines = [line for line in lines if line["logger"] == "syncs.log"]
    assert sync_lines
    for line in sync_lines:
        assert line["sync_id"] and line["connector_id"] in [*connectors, inbox], line
        assert line["workspace_id"]
    print(
        f"\nkilled a worker with {done} syncs done and {unfinished} unfinished; "
        f"{len(interrupted)} interrupted syncs resumed"
    )
