"""Web and worker on separate var folders (nothing on disk shared), on one PostgreSQL, Redis and
S3 bucket: a file uploaded to the web process is stored in the bucket and synced by the worker,
and no process keeps a copy on its own disk."""

import shutil
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.registry.sources.files import make_pdf
from tests.servers import gunicorn, postgres
from tests.servers.celery_worker import start_worker, wait_until
from tests.servers.deployment import Deployment
from tests.servers.manage import manage

pytestmark = pytest.mark.worker


@pytest.fixture
def deployment(redis_server, moto):
    root = Path(tempfile.mkdtemp(prefix="shared-storage."))
    database = postgres.start()
    started = []
    try:
        yield (
            Deployment(
                root,
                database_url=database.url,
                broker_url=redis_server.url.rsplit("/", 1)[0] + "/6",
                moto=moto,
            ),
            started,
        )
    finally:
        for process in reversed(started):
            process.stop()
        database.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_an_upload_received_by_the_web_is_synced_by_a_worker_elsewhere(deployment):
    deployment, started = deployment
    manage(deployment.env("migrate"), "migrate", "--noinput")
    manage(deployment.env("catalog"), "load_catalog")
    created = manage(
        deployment.env("key"), "create_api_key", "--workspace", "files", "--create-workspace"
    )
    key = created.strip().splitlines()[-1]
    logs = deployment.root / "logs"
    web = gunicorn.start(deployment.env("web"), logs, workers=1, threads=2)
    started.append(web)
    worker = start_worker(deployment.env("worker"), logs)
    started.append(worker)

    api = httpx.Client(base_url=web.url, headers={"X-API-Key": key}, timeout=30)
    space = api.post("/v1/spaces", json={"name": "Files"}).json()["id"]
    collection = api.post(f"/v1/spaces/{space}/collections", json={"name": "Inbox"}).json()["id"]
    base = f"/v1/spaces/{space}/collections/{collection}/connectors"
    connector = api.post(base, json={"name": "inbox", "type": "upload", "config": {}})
    assert connector.status_code == 201, connector.text
    connector = connector.json()["id"]

    uploaded = api.post(
        f"{base}/{connector}/files",
        files=[
            ("files", ("minutes.txt", b"Minutes of the board meeting.", "text/plain")),
            (
                "files",
                ("report.pdf", make_pdf("Quarterly report: revenue grew."), "application/pdf"),
            ),
        ],
    )
    assert uploaded.status_code == 201, uploaded.text
    sync_id = uploaded.json()["sync"]["id"]

    def finished():
        sync = api.get(f"{base}/{connector}/sync/{sync_id}").json()
        return sync if sync["status"] in ("succeeded", "failed", "cancelled") else None

    sync = wait_until(finished, timeout=60, interval=0.5, message=worker.log_tail)
    assert sync["status"] == "succeeded", sync
    assert sync["documents"]["created"] == 2

    documents = f"/v1/spaces/{space}/collections/{collection}/documents"
    contents = {
        listed["title"]: api.get(f"{documents}/{listed['id']}").json()["content"]
        for listed in api.get(documents).json()["data"]
    }
    assert contents["minutes.txt"] == "Minutes of the board meeting."
    assert "revenue grew" in contents["report.pdf"]

    keys = deployment.media_keys()
    assert len(keys) == 2 and all(k.startswith(f"media/uploads/{connector}/") for k in keys), keys
    assert deployment.local_files() == []
