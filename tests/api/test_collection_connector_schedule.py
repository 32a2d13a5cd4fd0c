"""003 create takes an optional ``schedule`` (none, cron, when), stored as the connector's schedule
with its beat task; a bad one is a 400 naming the field and nothing is created."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from connectors.models import Connector

pytestmark = pytest.mark.database

DB_CONFIG = {"connector_config": {"host": "db.example.com", "port": 5432, "username": "reader"}}


def create(api, collection_path, name, schedule):
    return api.post(
        f"{collection_path}/connectors",
        {"name": name, "type": "test-db", "config": DB_CONFIG, "schedule": schedule},
        format="json",
    )


def test_create_with_a_when_or_cron_schedule(api, collection_path):
    at = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    once = create(api, collection_path, "once", {"type": "when", "at": at.isoformat()})
    assert once.status_code == 201, once.json()
    assert once.json()["schedule"]["type"] == "when"
    assert once.json()["schedule"]["at"].startswith(at.strftime("%Y-%m-%dT%H:%M:%S"))
    task = Connector.objects.get(pk=once.json()["id"]).periodic_task
    assert task.one_off and task.clocked.clocked_time == at

    nightly = create(
        api, collection_path, "nightly", {"type": "cron", "cron": "0 3 * * *", "timezone": "UTC"}
    )
    assert nightly.status_code == 201, nightly.json()
    assert nightly.json()["schedule"]["cron"] == "0 3 * * *"
    assert PeriodicTask.objects.filter(name__startswith="connector:").count() == 2


@pytest.mark.parametrize(
    "schedule, field",
    [
        ({"type": "when", "at": "2001-01-01T00:00:00Z"}, "schedule.at"),
        ({"type": "when"}, "schedule.at"),
        ({"type": "cron", "cron": "every day"}, "schedule.cron"),
        ({"type": "weekly"}, "schedule.type"),
    ],
)
def test_a_bad_schedule_is_a_400_and_creates_nothing(api, collection_path, schedule, field):
    response = create(api, collection_path, "bad", schedule)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not Connector.objects.exists()
    assert not PeriodicTask.objects.filter(name__startswith="connector:").exists()
