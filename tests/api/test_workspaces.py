"""The workspace API (004): schedulers, slots and credentials, ids, associations."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from config.errors import InvalidInput
from connectors import credentials
from connectors.lifecycle import State
from connectors.models import Connector, ScheduleType
from syncs.models import Sync, SyncTrigger

pytestmark = pytest.mark.database

JIRA = {
    "name": "Issues",
    "type": "jira",
    "slots": {"base_url": "https://acme.atlassian.net", "jql_query": "project = OPS"},
    "credentials": {"email": "bot@acme.example", "api_token": "T0ken-Atl-88"},
}


def _create(api, workspace, query, body=JIRA):
    return api.post(f"/v1/connector/create_connector/{workspace.pk}?{query}", body, format="json")


def test_slots_and_credentials_are_split_back_and_masked(api, workspace):
    response = _create(api, workspace, "scheduler_type=imed")
    assert response.status_code == 201
    created = response.json()
    assert created["slots"] == {
        "base_url": "https://acme.atlassian.net",
        "jql_query": "project = OPS",
        "config": {
            "include_attachments": False,
            "search_children_issues": False,
            "search_parent_issues": False,
        },
    }
    assert created["credentials"] == {"email": "bot@acme.example", "api_token": "**********"}
    assert "T0ken-Atl-88" not in response.content.decode()
    connector = Connector.objects.get(pk=created["id"])
    assert "email" not in connector.config  # credentials are stored encrypted
    assert credentials.full_config(connector)["api_token"] == "T0ken-Atl-88"


def test_imed_creates_no_schedule_and_syncs_on_association(
    api, workspace, collection, django_capture_on_commit_callbacks, enqueued
):
    created = _create(api, workspace, "scheduler_type=imed").json()
    connector = Connector.objects.get(pk=created["id"])
    assert connector.schedule_type == ScheduleType.IMMEDIATE
    assert connector.periodic_task is None
    Connector.objects.filter(pk=connector.pk).update(state=State.RUNNING)

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            f"/v1/connector/create_connector_collection_association/{workspace.slug}",
            {"connector_id": created["id"], "collection_id": str(collection.pk)},
            format="json",
        )
    assert response.status_code == 201
    sync = Sync.objects.get(connector=connector)
    assert sync.trigger == SyncTrigger.ASSOCIATION
    assert response.json()["sync"]["id"] == str(sync.pk)
    assert enqueued == [("syncs.tasks.run_sync", (str(sync.pk),))]
    assert api.get(f"/v1/connector/get_connector/{workspace.slug}/{created['id']}").json()[
        "collections"
    ] == [str(collection.pk)]


def test_cron_creates_a_beat_task_enabled_once_running(api, workspace):
    created = _create(
        api, workspace, "scheduler_type=cron&scheduler_value=30 2 * * 1&timezone=Europe/Paris"
    )
    assert created.status_code == 201
    assert created.json()["scheduler_value"] == "30 2 * * 1"
    connector = Connector.objects.get(pk=created.json()["id"])
    task = PeriodicTask.objects.get(pk=connector.periodic_task_id)
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "2", "1")
    assert str(task.crontab.timezone) == "Europe/Paris"
    assert task.enabled is False  # the connector is still starting


def test_when_creates_a_one_off_run(api, workspace):
    moment = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    created = _create(
        api, workspace, f"scheduler_type=when&scheduler_value={moment.date().isoformat()}"
    )
    assert created.status_code == 201
    connector = Connector.objects.get(pk=created.json()["id"])
    assert connector.schedule_type == ScheduleType.WHEN
    assert connector.periodic_task.one_off is True


@pytest.mark.parametrize(
    ("query", "body", "errors"),
    [
        ("scheduler_type=cron", JIRA, {"scheduler_value": ["A cron expression is required."]}),
        (
            "scheduler_type=cron&scheduler_value=every day",
            JIRA,
            {
                "scheduler_value": [
                    "Must be a valid 5-field cron expression (minute hour day month weekday)."
                ]
            },
        ),
        (
            "scheduler_type=when&scheduler_value=2001-01-01",
            JIRA,
            {"scheduler_value": ["Must be in the future."]},
        ),
        ("", JIRA, {"scheduler_type": ["This field is required."]}),
        (
            "scheduler_type=imed",
            {**JIRA, "slots": {"jql_query": "x"}},
            {"slots.base_url": ["This field is required."]},
        ),
        (
            "scheduler_type=imed",
            {"name": "D", "type": "google_drive", "slots": {}},
            {"slots.root_file_id": ["This field is required."]},
        ),
        (
            "scheduler_type=imed",
            {**JIRA, "type": "postgres-connector"},
            {
                "type": [
                    "Unsupported type 'postgres-connector'; supported types: google_drive, "
                    "impersonated_google_drive, web_scraper, upload, confluence, jira, "
                    "sharepoint, onedrive."
                ]
            },
        ),
        ("scheduler_type=imed", {**JIRA, "id": "123"}, {"id": ["Must be a valid UUID."]}),
    ],
)
def test_errors_name_the_problem_and_create_nothing(api, workspace, query, body, errors):
    response = _create(api, workspace, query, body)
    assert response.status_code == 400
    assert response.json()["errors"] == errors
    assert not Connector.all_objects.exists()
    assert not PeriodicTask.objects.exists()


def test_a_failing_schedule_leaves_nothing_behind(api, workspace, monkeypatch):
    from syncs import scheduling

    def broken(connector, schedule):
        raise InvalidInput({"scheduler_value": ["The scheduler refused it."]})

    monkeypatch.setattr(scheduling, "apply", broken)
    response = _create(api, workspace, "scheduler_type=cron&scheduler_value=0 * * * *")
    assert response.status_code == 400
    assert not Connector.all_objects.exists()
    assert not PeriodicTask.objects.exists()


def test_a_given_id_is_used_once(api, workspace):
    given = str(uuid.uuid4())
    created = _create(api, workspace, "scheduler_type=imed", {**JIRA, "id": given})
    assert created.json()["id"] == given
    again = _create(api, workspace, "scheduler_type=imed", {**JIRA, "name": "Other", "id": given})
    assert again.status_code == 400
    assert again.json()["errors"] == {"id": ["A connector with this id already exists."]}


def test_workspace_by_id_or_slug(api, workspace):
    by_slug = api.get(f"/v1/connector/list_connectors/{workspace.slug}")
    by_id = api.get(f"/v1/connector/list_connectors/{workspace.pk}")
    assert by_slug.status_code == by_id.status_code == 200
    assert by_slug.json() == by_id.json()


def test_association_errors(api, workspace, collection):
    created = _create(api, workspace, "scheduler_type=imed").json()
    path = f"/v1/connector/create_connector_collection_association/{workspace.slug}"
    missing = api.post(path, {"connector_id": created["id"]}, format="json")
    assert missing.json()["errors"] == {"collection_id": ["This field is required."]}
    unknown = api.post(
        path,
        {"connector_id": str(uuid.uuid4()), "collection_id": str(collection.pk)},
        format="json",
    )
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Connector not found."
