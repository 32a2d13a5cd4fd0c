"""The live-source API (000): create, read, import status, documents, delete."""

import pytest
from django.utils import timezone

from connectors.models import Connector, ScheduleType
from registry.sources.base import SourceDocument
from syncs import document_stats
from syncs.models import Document, Sync, SyncStatus, SyncTrigger
from tests.documents import store_documents

pytestmark = pytest.mark.database


def _create(api, **body):
    body = {"liveSourceType": "WEBSITE", "name": "Site", "url": "https://site.example/", **body}
    return api.post("/layar/liveSource", body, format="json")


def test_a_website_gets_its_options_and_defaults(api):
    response = _create(api, max_pages=10)
    assert response.status_code == 201
    created = response.json()
    assert created["liveSourceType"] == "WEBSITE"
    assert created["url"] == "https://site.example/"
    assert created["config"] == {"url": "https://site.example/", "max_pages": 10, "max_depth": 2}
    assert created["state"] == "starting"


@pytest.mark.parametrize(
    ("sent", "stored", "schedule"),
    [
        (None, "SCAN_ONCE", ScheduleType.ONCE),
        ("scan_once", "SCAN_ONCE", ScheduleType.ONCE),
        ("Continuous", "CONTINUOUS", ScheduleType.CRON),
    ],
)
def test_rss_run_mode_in_any_case_sets_the_schedule(api, sent, stored, schedule):
    body = {"liveSourceType": "RSS", "name": "Feed", "url": "https://feed.example/rss"}
    if sent:
        body["runMode"] = sent
    response = api.post("/layar/liveSource", body, format="json")
    assert response.status_code == 201
    assert response.json()["runMode"] == stored
    connector = Connector.objects.get(pk=response.json()["id"])
    assert connector.schedule_type == schedule
    if schedule == ScheduleType.CRON:
        assert connector.schedule_cron == "0 * * * *"


def test_a_missing_url_names_the_field(api):
    response = api.post(
        "/layar/liveSource", {"liveSourceType": "WEBSITE", "name": "Site"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"url": ["This field is required."]}


def test_job_status_reads_the_latest_sync(api):
    connector_id = _create(api).json()["id"]
    older = Sync.objects.create(
        connector_id=connector_id,
        trigger=SyncTrigger.SCHEDULE,
        status=SyncStatus.SUCCEEDED,
        queued_at=timezone.now() - timezone.timedelta(hours=1),
    )
    latest = Sync.objects.create(
        connector_id=connector_id,
        trigger=SyncTrigger.API,
        status=SyncStatus.FAILED,
        documents_seen=7,
        documents_created=5,
        documents_failed=2,
        progress_done=7,
        progress_total=10,
        started_at=timezone.now(),
        finished_at=timezone.now(),
        error_origin="source",
        error_type="HTTPError",
        error_message="The site answered 503.",
        error_retryable=True,
    )
    for params in ({"query": f"?id={connector_id}"}, {"body": {"id": connector_id}}):
        path = f"/layar/liveSource/{connector_id}/jobStatus{params.get('query', '')}"
        status = api.call("GET", path, params.get("body")).json()
        assert status["jobId"] == str(latest.pk) != str(older.pk)
        assert status["status"] == "failed"
        assert status["documents"] == {
            "seen": 7,
            "created": 5,
            "updated": 0,
            "unchanged": 0,
            "deleted": 0,
            "failed": 2,
        }
        assert status["progress"] == {"done": 7, "total": 10, "percent": 70}
        assert status["error"] == {
            "origin": "source",
            "type": "HTTPError",
            "message": "The site answered 503.",
            "retryable": True,
        }
        assert status["finishedAt"] is not None


def test_source_documents_page_by_rows_and_start(api):
    connector_id = _create(api).json()["id"]
    store_documents(
        connector_id,
        [SourceDocument(external_id=f"d{n}", title=f"Doc {n}", content="text") for n in range(8)],
    )
    Document.objects.filter(connector_id=connector_id, external_id="d0").update(
        deleted_at=timezone.now()
    )
    document_stats.record(connector_id, deleted=1)  # as the engine counts a deletion
    by_query = api.get(f"/layar/liveSource/{connector_id}/sourceDocuments?rows=3&start=2").json()
    by_body = api.call(
        "GET", f"/layar/liveSource/{connector_id}/sourceDocuments", {"rows": 3, "start": 2}
    ).json()
    assert by_query == by_body
    assert by_query["total"] == 7
    assert [d["externalId"] for d in by_query["documents"]] == ["d3", "d4", "d5"]
    default = api.get(f"/layar/liveSource/{connector_id}/sourceDocuments").json()
    assert (default["rows"], default["start"], len(default["documents"])) == (20, 0, 7)


def test_a_page_start_beyond_the_limit_is_a_400_naming_it(api):
    connector_id = _create(api).json()["id"]
    last = api.get(f"/layar/liveSource/{connector_id}/sourceDocuments?start=1000000000")
    assert last.status_code == 200 and last.json()["documents"] == []
    for path in (f"/layar/liveSource/{connector_id}/sourceDocuments", "/layar/liveSource"):
        huge = api.get(f"{path}?start=2251506331461506974265376768")
        assert huge.status_code == 400, huge.content
        assert "start" in huge.content.decode()


def test_list_pages_and_filters(api):
    for n in range(3):
        _create(api, name=f"Site {n}")
    api.post(
        "/layar/liveSource",
        {"liveSourceType": "RSS", "name": "Feed", "url": "https://f.example"},
        format="json",
    )
    page = api.call("GET", "/layar/liveSource", {"rows": 2, "start": 1}).json()
    assert page["total"] == 4
    assert [s["name"] for s in page["liveSources"]] == ["Site 1", "Site 2"]
    assert [s["name"] for s in api.get("/layar/liveSource?type=RSS").json()["liveSources"]] == [
        "Feed"
    ]
    assert api.get("/layar/liveSource?name=site").json()["total"] == 3


def test_delete_removes_everything_then_404(api, django_capture_on_commit_callbacks, enqueued):
    connector_id = _create(api).json()["id"]
    # The first import was queued with the connector.
    assert Sync.objects.get(connector_id=connector_id).status == SyncStatus.QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"/layar/liveSource/{connector_id}").status_code == 204
    assert ("syncs.tasks.purge_connector", (connector_id,)) in enqueued
    assert Sync.objects.get(connector_id=connector_id).status == SyncStatus.CANCELLED
    for suffix in ("", "/jobStatus", "/sourceDocuments"):
        assert api.get(f"/layar/liveSource/{connector_id}{suffix}").status_code == 404
    assert api.delete(f"/layar/liveSource/{connector_id}").status_code == 404

    from syncs.tasks import purge_connector

    purge_connector(connector_id)
    assert not Connector.all_objects.filter(pk=connector_id).exists()
    assert not Sync.objects.filter(connector_id=connector_id).exists()


def test_the_new_connector_is_checked_in_a_worker(
    api, django_capture_on_commit_callbacks, enqueued
):
    with django_capture_on_commit_callbacks(execute=True):
        connector_id = _create(api).json()["id"]
    assert [name for name, _ in enqueued] == ["connectors.tasks.check_connector"]
    assert enqueued[0][1][0] == connector_id
