"""/healthz says the process is alive; /readyz checks the database, the broker and beat's tick,
reporting each, without authentication and before host checks or the HTTPS redirect."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ops import heartbeats
from ops.models import ServiceHeartbeat
from tests.servers.celery_worker import broker_of_this_process
from tests.servers.ports import free_port

pytestmark = pytest.mark.database


def test_healthz_answers_without_touching_the_database(client):
    response = client.get("/healthz")  # no database fixture: any query would raise here
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_probes_answer_any_host_over_plain_http_in_production_mode(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["hub.example.com"]
    ServiceHeartbeat.objects.create(name=heartbeats.BEAT)
    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    # Everything else still redirects to HTTPS and refuses unknown hosts.
    assert client.get("/login/", HTTP_HOST="hub.example.com").status_code == 301
    assert client.get("/login/", HTTP_HOST="10.1.2.3:8000", secure=True).status_code == 400


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


@pytest.mark.django_db
def test_ready_when_database_broker_and_a_recent_beat_tick_answer(client):
    heartbeats.record(heartbeats.BEAT)
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ready"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "beat": True,
    }
    assert body["checks"]["beat"]["last_tick_age_seconds"] < 5


@pytest.mark.django_db
def test_not_ready_when_beat_never_ticked_or_stopped_ticking(client, settings):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["beat"] == {
        "ok": False,
        "ms": response.json()["checks"]["beat"]["ms"],
        "error": "beat has not ticked yet",
    }
    assert response.json()["checks"]["database"]["ok"] is True

    settings.CONNECTOR_HUB_BEAT_MAX_AGE = 60
    ServiceHeartbeat.objects.update_or_create(
        name=heartbeats.BEAT, defaults={"at": timezone.now() - timedelta(seconds=90)}
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    beat = response.json()["checks"]["beat"]
    assert beat["ok"] is False and beat["last_tick_age_seconds"] >= 90
    assert "older than 60" in beat["error"]


@pytest.mark.django_db
def test_not_ready_when_the_broker_is_unreachable(client):
    heartbeats.record(heartbeats.BEAT)
    with broker_of_this_process(f"redis://127.0.0.1:{free_port()}/0"):
        response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"]["ok"] is False
    assert checks["broker"]["error"]  # the exception's class name, nothing more
    assert "127.0.0.1" not in str(checks["broker"])
    assert checks["database"]["ok"] is True and checks["beat"]["ok"] is True


@pytest.mark.django_db
def test_ready_with_a_real_redis_broker(client, redis_server):
    heartbeats.record(heartbeats.BEAT)
    with broker_of_this_process(redis_server.url):
        response = client.get("/readyz")
    assert response.status_code == 200, response.json()
