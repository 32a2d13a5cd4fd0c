"""Schedules: 004's scheduler_type (cron, when, imed), the registry specs' pollingInterval and the
live sources' runMode map onto one schedule; beat's rows follow the connector's lifecycle."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, PeriodicTask

from config.errors import InvalidInput
from connectors import schedules, services
from connectors.lifecycle import State
from connectors.models import Connector, Credential, ScheduleType
from connectors.tasks import check_connector
from syncs import scheduling
from syncs import services as sync_services
from syncs.models import Sync, SyncStatus, SyncTrigger
from syncs.tasks import scheduled_sync

NOW = datetime(2030, 1, 4, 10, 0, tzinfo=UTC)  # a Friday, 11:00 in Paris

pytestmark = pytest.mark.database


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False):
        yield


# -- the mapping ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "fields"),
    [
        ("*/15 9-17 * * 1-5", ("*/15", "9-17", "*", "*", "1-5")),
        ("0  2 1 */2 *", ("0", "2", "1", "*/2", "*")),
    ],
)
def test_cron_maps_to_a_crontab_in_its_timezone(make_sample_connector, expression, fields):
    schedule = schedules.from_scheduler("cron", expression, "Europe/Paris")
    assert (schedule.type, schedule.cron) == (ScheduleType.CRON, " ".join(expression.split()))
    connector = make_sample_connector(schedule=schedule)
    task = connector.periodic_task
    crontab = task.crontab
    assert (
        crontab.minute,
        crontab.hour,
        crontab.day_of_month,
        crontab.month_of_year,
        crontab.day_of_week,
    ) == fields
    assert str(crontab.timezone) == "Europe/Paris"
    assert task.task == scheduling.SCHEDULED_SYNC_TASK
    assert task.kwargs == f'{{"connector_id": "{connector.pk}"}}'
    assert (task.one_off, task.clocked, task.enabled) == (False, None, True)


@pytest.mark.parametrize(
    ("expression", "timezone", "field"),
    [
        ("61 * * * *", "UTC", "scheduler_value"),
        ("* * * *", "UTC", "scheduler_value"),
        ("0 0 * * * *", "UTC", "scheduler_value"),
        ("every day", "UTC", "scheduler_value"),
        ("0 0 * * *", "Mars/Olympus", "timezone"),
    ],
)
def test_a_bad_cron_or_timezone_is_refused_naming_the_field(expression, timezone, field):
    with pytest.raises(InvalidInput) as refused:
        schedules.from_scheduler("cron", expression, timezone)
    assert field in refused.value.errors


def test_when_is_a_one_off_clocked_schedule(make_sample_connector):
    schedule = schedules.from_scheduler("when", "2030-01-04T12:30:00+01:00")
    assert schedule.type == ScheduleType.WHEN
    assert schedule.at == datetime(2030, 1, 4, 11, 30, tzinfo=UTC)
    connector = make_sample_connector(schedule=schedule)
    task = connector.periodic_task
    assert task.one_off is True and task.crontab is None
    assert task.clocked.clocked_time == datetime(2030, 1, 4, 11, 30, tzinfo=UTC)


def test_when_accepts_a_date_meaning_midnight_in_the_timezone():
    schedule = schedules.from_scheduler("when", "2030-01-05", "America/New_York")
    assert schedule.at == datetime(2030, 1, 5, 5, 0, tzinfo=UTC)
    naive = schedules.from_scheduler("when", "2030-01-04T20:00", "Asia/Tokyo")
    assert naive.at == datetime(2030, 1, 4, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", ["2030-01-04T09:59:59Z", "2029-12-31", "soon", ""])
def test_when_in_the_past_or_unreadable_is_refused(value):
    with pytest.raises(InvalidInput) as refused:
        schedules.from_scheduler("when", value)
    assert "scheduler_value" in refused.value.errors


def test_unknown_scheduler_type_is_refused():
    with pytest.raises(InvalidInput) as refused:
        schedules.from_scheduler("hourly", None)
    assert "scheduler_type" in refused.value.errors


def test_imed_has_no_beat_task_and_syncs_when_associated(make_sample_connector, owner, collection):
    connector = make_sample_connector(schedule=schedules.from_scheduler("imed", None))
    assert connector.schedule_type == ScheduleType.IMMEDIATE
    assert connector.periodic_task is None
    services.connector_associate(actor=owner, connector=connector, collection=collection)
    sync = Sync.objects.get(connector=connector)
    assert (sync.trigger, sync.status, sync.collection) == (
        SyncTrigger.ASSOCIATION,
        SyncStatus.QUEUED,
        collection,
    )


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"operations_config": {"pollingInterval": "Once"}}, (ScheduleType.ONCE, "")),
        (
            {"operations_config": {"pollingInterval": "Periodic", "schedule": "Hourly"}},
            (ScheduleType.CRON, "0 * * * *"),
        ),
        (
            {"operations_config": {"pollingInterval": "Periodic", "schedule": "Daily"}},
            (ScheduleType.CRON, "0 0 * * *"),
        ),
        (
            {"operations_config": {"pollingInterval": "Periodic", "schedule": "Weekly"}},
            (ScheduleType.CRON, "0 0 * * 0"),
        ),
        (
            {"operations_config": {"pollingInterval": "Periodic", "schedule": "Monthly"}},
            (ScheduleType.CRON, "0 0 1 * *"),
        ),
        ({"runMode": "SCAN_ONCE"}, (ScheduleType.ONCE, "")),
        ({"runMode": "continuous"}, (ScheduleType.CRON, "0 * * * *")),
    ],
)
def test_polling_interval_and_run_mode_map_onto_the_same_schedule(config, expected):
    schedule = schedules.from_config(config, "Europe/Berlin")
    assert (schedule.type, schedule.cron) == expected
    assert schedule.timezone == "Europe/Berlin"


def test_a_config_that_says_nothing_about_schedules_gives_none():
    assert schedules.from_config({"document_count": 3}) is None


def test_once_syncs_when_the_connector_starts(make_sample_connector):
    connector = make_sample_connector(schedule=schedules.Schedule(ScheduleType.ONCE))
    sync = Sync.objects.get(connector=connector)
    assert (sync.trigger, sync.status) == (SyncTrigger.SCHEDULE, SyncStatus.QUEUED)


# -- previews -------------------------------------------------------------------------------------


def test_next_five_runs_and_a_plain_description():
    schedule = schedules.cron("30 9 * * 1-5", "Europe/Paris")
    paris = ZoneInfo("Europe/Paris")
    assert schedules.next_runs(schedule) == [
        datetime(2030, 1, day, 9, 30, tzinfo=paris) for day in (7, 8, 9, 10, 11)
    ]
    assert schedules.describe(schedule) == ("At 09:30 AM, Monday through Friday (Europe/Paris)")


def test_a_when_schedule_previews_its_one_run():
    schedule = schedules.when("2030-01-05", "America/New_York")
    assert schedules.next_runs(schedule) == [datetime(2030, 1, 5, 5, 0, tzinfo=UTC)]
    assert schedules.describe(schedule) == "Once, at 2030-01-05 00:00 EST"
    assert schedules.describe(schedules.Schedule()) == "No schedule"


# -- the lifecycle --------------------------------------------------------------------------------


def _enabled(connector) -> bool:
    return PeriodicTask.objects.get(pk=connector.periodic_task_id).enabled


def test_stop_pauses_start_resumes_delete_removes(
    make_sample_connector, workspace, owner, sample_definition
):
    connector = services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=sample_definition,
        name="scheduled",
        config={},
        schedule=schedules.cron("0 * * * *"),
    )
    assert connector.state == State.STARTING and not _enabled(connector)
    check_connector(str(connector.pk), str(connector.check_token))
    assert _enabled(connector)

    services.connector_stop(actor=owner, connector=connector)
    assert not _enabled(connector)
    services.connector_start(actor=owner, connector=connector)
    connector.refresh_from_db()
    assert connector.state == State.STARTING and not _enabled(connector)
    check_connector(str(connector.pk), str(connector.check_token))
    assert _enabled(connector)

    task_id = connector.periodic_task_id
    services.connector_delete(actor=owner, connector=connector)
    assert not PeriodicTask.objects.filter(pk=task_id).exists()
    assert Connector.all_objects.get(pk=connector.pk).periodic_task_id is None


def test_changing_the_schedule_replaces_the_beat_rows(make_sample_connector, owner):
    connector = make_sample_connector(schedule=schedules.cron("0 * * * *"))
    task_id = connector.periodic_task_id
    services.connector_update(
        actor=owner, connector=connector, schedule=schedules.when("2030-02-01T08:00:00Z")
    )
    connector.refresh_from_db()
    assert connector.periodic_task_id == task_id
    assert connector.periodic_task.crontab is None
    clocked_id = connector.periodic_task.clocked_id
    services.connector_update(actor=owner, connector=connector, schedule=schedules.Schedule())
    connector.refresh_from_db()
    assert connector.periodic_task is None
    assert not PeriodicTask.objects.filter(pk=task_id).exists()
    assert not ClockedSchedule.objects.filter(pk=clocked_id).exists()
    assert CrontabSchedule.objects.filter(minute="0", hour="*").exists()  # shared, kept


def test_connector_and_schedule_are_created_together_or_not_at_all(
    workspace, owner, sample_definition
):
    import uuid

    connector_id = uuid.uuid4()
    # A beat row already holding the name this connector's task needs: creating the schedule
    # fails inside the connector's transaction.
    PeriodicTask.objects.create(
        name=f"connector:{connector_id}",
        task=scheduling.SCHEDULED_SYNC_TASK,
        crontab=CrontabSchedule.objects.create(minute="0"),
    )
    with pytest.raises(InvalidInput) as refused:
        services.connector_create(
            actor=owner,
            workspace=workspace,
            definition=sample_definition,
            name="doomed",
            config={},
            schedule=schedules.cron("0 * * * *"),
            connector_id=connector_id,
        )
    assert "could not be created" in refused.value.errors["schedule"][0]
    assert not Connector.all_objects.filter(pk=connector_id).exists()
    assert not Connector.all_objects.filter(name="doomed").exists()
    assert not Credential.objects.filter(connector_id=connector_id).exists()


def test_a_tick_finding_a_sync_active_is_skipped_and_recorded(make_sample_connector, owner):
    connector = make_sample_connector(schedule=schedules.cron("0 * * * *"))
    active = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    scheduled_sync(str(connector.pk))
    connector.refresh_from_db()
    assert connector.last_skipped_tick_at == NOW
    assert list(Sync.objects.filter(connector=connector)) == [active]


def test_a_tick_runs_only_for_a_running_connector(make_sample_connector, owner):
    connector = make_sample_connector(schedule=schedules.cron("0 * * * *"))
    scheduled_sync(str(connector.pk))
    assert Sync.objects.get(connector=connector).trigger == SyncTrigger.SCHEDULE
    Sync.objects.filter(connector=connector).update(status=SyncStatus.SUCCEEDED)
    services.connector_stop(actor=owner, connector=connector)
    scheduled_sync(str(connector.pk))
    assert Sync.objects.filter(connector=connector).count() == 1


def _beat_looks_again(connector) -> None:
    """What beat does with a one-off task it sent, when it next looks at it (minutes later at
    worst, when it reloads its schedule): it disables it, through beat's own entry."""
    from django_celery_beat.schedulers import ModelEntry

    from config.celery import app

    entry = ModelEntry(PeriodicTask.objects.get(pk=connector.periodic_task_id), app=app)
    assert entry.is_due().is_due
    next(entry).is_due()
    assert not PeriodicTask.objects.get(pk=connector.periodic_task_id).enabled


def test_a_when_tick_lost_with_its_worker_runs_once_from_liveness(
    make_sample_connector, owner, settings
):
    from syncs.liveness import resend_lost_schedule_ticks

    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 120
    at = schedules.when("2030-01-04T11:00:00Z")
    lost = make_sample_connector(name="lost", schedule=at)  # beat has recorded nothing yet
    disabled = make_sample_connector(name="disabled", schedule=at)
    answered = make_sample_connector(name="ok", schedule=at)
    busy = make_sample_connector(name="busy", schedule=at)
    stopped = make_sample_connector(name="off", schedule=at)
    manual = sync_services.sync_trigger(actor=owner, connector=busy, trigger=SyncTrigger.API)
    with time_machine.travel(datetime(2030, 1, 4, 11, 0, 2, tzinfo=UTC), tick=False):
        _beat_looks_again(disabled)
        scheduled_sync(str(answered.pk))  # the only tick whose message reached a worker
    services.connector_stop(actor=owner, connector=stopped)

    def ticks_resent(at) -> int:
        with time_machine.travel(at, tick=False):
            return resend_lost_schedule_ticks()

    assert ticks_resent(datetime(2030, 1, 4, 11, 1, tzinfo=UTC)) == 0  # within the timeout
    assert ticks_resent(datetime(2030, 1, 4, 11, 3, tzinfo=UTC)) == 3
    (resent,) = Sync.objects.filter(connector=lost)
    assert resent.trigger == SyncTrigger.SCHEDULE
    assert Sync.objects.get(connector=disabled).trigger == SyncTrigger.SCHEDULE
    assert Sync.objects.filter(connector=answered).count() == 1
    assert list(Sync.objects.filter(connector=busy)) == [manual]  # skipped, and recorded
    assert not Sync.objects.filter(connector=stopped).exists()
    # Once: the resent tick is answered like any other.
    assert ticks_resent(datetime(2030, 1, 4, 11, 10, tzinfo=UTC)) == 0
    # A tick that was only late, arriving after the resent one's sync ended, starts nothing.
    Sync.objects.filter(connector=lost).update(status=SyncStatus.SUCCEEDED)
    scheduled_sync(str(lost.pk))
    assert list(Sync.objects.filter(connector=lost)) == [resent]


def test_a_when_tick_older_than_the_sync_retention_is_left_alone(make_sample_connector, settings):
    """The sync that answered it may have been purged with the old syncs: no second run."""
    from syncs.liveness import resend_lost_schedule_ticks

    settings.CONNECTOR_HUB_SYNC_HEARTBEAT_TIMEOUT = 120
    settings.CONNECTOR_HUB_SYNC_RETENTION_DAYS = 1
    connector = make_sample_connector(schedule=schedules.when("2030-01-04T11:00:00Z"))
    with time_machine.travel(datetime(2030, 1, 5, 12, 0, tzinfo=UTC), tick=False):
        assert resend_lost_schedule_ticks() == 0
        settings.CONNECTOR_HUB_SYNC_RETENTION_DAYS = 2
        assert resend_lost_schedule_ticks() == 1
    assert Sync.objects.get(connector=connector).trigger == SyncTrigger.SCHEDULE


def test_a_when_schedule_runs_once_however_often_its_tick_arrives(make_sample_connector):
    connector = make_sample_connector(schedule=schedules.when("2030-01-04T11:00:00Z"))
    with time_machine.travel(datetime(2030, 1, 4, 11, 0, 1, tzinfo=UTC), tick=False):
        scheduled_sync(str(connector.pk))
    (first,) = Sync.objects.filter(connector=connector)
    Sync.objects.filter(pk=first.pk).update(status=SyncStatus.SUCCEEDED)
    with time_machine.travel(datetime(2030, 1, 4, 11, 5, tzinfo=UTC), tick=False):
        scheduled_sync(str(connector.pk))
    assert list(Sync.objects.filter(connector=connector)) == [first]
