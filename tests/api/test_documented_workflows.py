"""The documented workflows, called as the reference documents' own clients call them: Python
``requests`` against a running server, a real Celery worker doing the asynchronous work, and a
local website as the source."""

import pytest
import requests

from tenancy import services
from tenancy.models import ApiKeyRole
from tests.servers.celery_worker import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.database]

IMPORT_TIMEOUT = 120


@pytest.fixture
def token(workspace):
    _, raw = services.api_key_create(
        actor=None, workspace=workspace, name="layar client", role=ApiKeyRole.ADMIN
    )
    return raw


@pytest.fixture
def header(token):
    """The headers a Layar client sends."""
    return {
        "Authorization": f"Bearer {token}",
        "X-Vyasa-Client": "layar",
        "X-Vyasa-Data-Providers": "sandbox.vyasa.com",
        "X-Vyasa-Data-Fabric": "sandbox",
        "Content-Type": "application/json",
    }


def test_a_created_live_source_imports_its_site_and_lists_the_pages(
    live_server, celery_processes, catalog, site, header
):
    celery_processes.worker()
    envUrl = live_server.url  # noqa: N806 (the document's names)

    created = requests.post(
        f"{envUrl}/layar/liveSource",
        headers=header,
        json={
            "liveSourceType": "WEBSITE",
            "name": "Deep pages",
            "description": "Three linked pages",
            "url": site.url("/docs/deep/a.html"),
            "request_delay": 0,
        },
        timeout=30,
    )
    assert created.status_code == 201, created.text
    connectorId = created.json()["id"]  # noqa: N806

    statusUri = f"{envUrl}/layar/liveSource/{connectorId}/jobStatus"  # noqa: N806
    body = {"id": connectorId}
    seen = []

    def finished():
        importStatus = requests.get(statusUri, headers=header, json=body, timeout=30)  # noqa: N806
        assert importStatus.status_code == 200, importStatus.text
        job = importStatus.json()
        seen.append(job["status"])
        return job if job["finished"] else None

    job = wait_until(
        finished,
        timeout=IMPORT_TIMEOUT,
        interval=0.2,
        message=lambda: f"{seen} {celery_processes.logs()}",
    )
    assert job["status"] == "succeeded", job
    # Never "not_started": the import is queued with the connector.
    assert seen[0] in ("queued", "running", "succeeded")
    assert set(seen) <= {"queued", "running", "succeeded"}
    assert job["documents"]["created"] == 3

    conDocUri = f"{envUrl}/layar/liveSource/{connectorId}/sourceDocuments"  # noqa: N806
    titles = []
    for start in (0, 2):
        body = {"id": connectorId, "rows": 2, "start": start}
        documents = requests.get(conDocUri, headers=header, json=body, timeout=30)
        assert documents.status_code == 200, documents.text
        page = documents.json()
        assert (page["total"], page["rows"], page["start"]) == (3, 2, start)
        titles += [document["title"] for document in page["documents"]]
    assert sorted(titles) == ["Deep A", "Deep B", "Deep C"]
