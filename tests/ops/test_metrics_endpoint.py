"""/metrics: Prometheus text for request latency by route, syncs by status, finished syncs,
their duration and documents, queue depth, worker and beat heartbeat ages; readable from the
allowed networks or with the bearer token only, and cheap to scrape."""

from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from ops import heartbeats
from ops.metrics import snapshot
from ops.models import ServiceHeartbeat
from syncs import services as sync_services
from syncs.models import SyncStatus, SyncTrigger
from tests.servers.celery_worker import purge_broker

pytestmark = pytest.mark.database

OUTSIDE = "203.0.113.9"


def samples(response) -> dict:
    """{(sample name, frozenset of labels): value}"""
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found, name, **labels):
    return found.get((name, frozenset(labels.items())))


@pytest.mark.django_db
def test_metrics_are_refused_outside_the_allowed_networks(client, settings):
    settings.CONNECTOR_HUB_METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 403
    assert b"connector_hub" not in response.content
    # A forwarded header does not make a request local.
    forwarded = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert forwarded.status_code == 403


@pytest.mark.django_db
def test_metrics_need_the_bearer_token_when_one_is_set(client, settings):
    settings.CONNECTOR_HUB_METRICS_TOKEN = "scrape-token-8d1f"
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 401
    wrong = client.get("/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Bearer")
    right = client.get(
        "/metrics", REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer scrape-token-8d1f"
    )
    assert right.status_code == 200


@pytest.mark.django_db
def test_metrics_networks_come_from_the_setting(client, settings):
    settings.CONNECTOR_HUB_METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="::ffff:10.1.1.1").status_code == 200


@pytest.mark.django_db
def test_request_latency_is_recorded_by_url_pattern(client, space, owner):
    client.force_login(owner)
    client.get(f"/v1/spaces/{space.pk}", HTTP_X_WORKSPACE="acme")
    client.get("/no/such/page")
    found = samples(client.get("/metrics"))
    route = "/v1/spaces/<str:space_id>"
    assert (
        value(
            found,
            "connector_hub_http_request_duration_seconds_count",
            route=route,
            method="GET",
            status="200",
        )
        >= 1
    )
    assert (
        value(
            found,
            "connector_hub_http_request_duration_seconds_count",
            route="<unmatched>",
            method="GET",
            status="404",
        )
        >= 1
    )
    assert not any(str(space.pk) in dict(labels).get("route", "") for _, labels in found)


@pytest.mark.django_db(transaction=True)  # the counters are written once the syncs commit
def test_sync_metrics_count_statuses_documents_and_durations(
    client, make_sample_connector, sync_to_end
):
    before = samples(client.get("/metrics"))
    assert value(before, "connector_hub_syncs_finished_total", status="succeeded") is None
    first = sync_to_end(make_sample_connector(name="a", document_count=30, document_size=10))
    second = sync_to_end(make_sample_connector(name="b", document_count=12, document_size=10))
    assert first.status == second.status == SyncStatus.SUCCEEDED

    snapshot.clear()
    found = samples(client.get("/metrics"))
    assert value(found, "connector_hub_syncs", status="succeeded") == 2
    assert value(found, "connector_hub_syncs", status="running") == 0
    assert value(found, "connector_hub_syncs_finished_total", status="succeeded") == 2
    assert value(found, "connector_hub_documents_imported_total") == 42
    assert value(found, "connector_hub_sync_duration_seconds_count") == 2
    assert value(found, "connector_hub_sync_duration_seconds_bucket", le="+Inf") == 2
    assert value(found, "connector_hub_sync_duration_seconds_bucket", le="5.0") == 2
    assert value(found, "connector_hub_dependency_up", dependency="database") == 1
    assert value(found, "connector_hub_running_sync_heartbeat_age_seconds") == 0


@pytest.mark.django_db(transaction=True)  # messages are sent once the services commit
def test_queue_depth_and_heartbeat_ages(client, make_sample_connector, owner):
    purge_broker()
    connector = make_sample_connector(name="queued")  # its check message waits; ran inline
    sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    now = timezone.now()
    ServiceHeartbeat.objects.create(name="worker:syncs@host-a", at=now - timedelta(seconds=30))
    ServiceHeartbeat.objects.create(name=heartbeats.BEAT, at=now - timedelta(seconds=7))
    found = samples(client.get("/metrics"))
    # The service's check_connector message waits in "quick", the sync's run_sync in "syncs".
    assert value(found, "connector_hub_queue_depth", queue="syncs") == 1
    assert value(found, "connector_hub_queue_depth", queue="quick") == 1
    assert value(found, "connector_hub_dependency_up", dependency="broker") == 1
    assert value(found, "connector_hub_worker_heartbeat_age_seconds", worker="syncs@host-a") >= 30
    assert 7 <= value(found, "connector_hub_beat_tick_age_seconds") < 30
    purge_broker()


@pytest.mark.django_db
def test_a_scrape_is_a_handful_of_queries_and_repeats_are_cached(
    client, settings, django_assert_max_num_queries, django_assert_num_queries
):
    settings.CONNECTOR_HUB_METRICS_CACHE_SECONDS = 60
    with django_assert_max_num_queries(5):
        assert client.get("/metrics").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/metrics").status_code == 200
