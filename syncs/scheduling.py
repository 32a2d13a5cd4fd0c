"""Beat follows the connectors' schedules (``connectors.schedules``): the only module that
touches django-celery-beat. Cron and when schedules are beat PeriodicTasks, enabled only while
their connector is running.
"""

import json
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, PeriodicTask

from config.errors import InvalidInput
from connectors.lifecycle import State
from connectors.models import Connector, ScheduleType
from connectors.schedules import Schedule
from syncs.models import Sync, SyncTrigger

SCHEDULED_SYNC_TASK = "syncs.tasks.scheduled_sync"


def _task_name(connector: Connector) -> str:
    return f"connector:{connector.pk}"


def apply(connector: Connector, schedule: Schedule) -> None:
    """Store ``schedule`` on the connector and make beat match it (call inside the transaction
    that writes the connector: if this fails, nothing of the connector is kept)."""
    try:
        with transaction.atomic():
            _apply(connector, schedule)
    except (ValidationError, IntegrityError) as error:
        detail = "; ".join(getattr(error, "messages", None) or [str(error)])
        raise InvalidInput({"schedule": [f"The schedule could not be created: {detail}"]}) from None


def _apply(connector: Connector, schedule: Schedule) -> None:
    connector.schedule_type = schedule.type
    connector.schedule_cron = schedule.cron
    connector.schedule_timezone = schedule.timezone
    connector.schedule_at = schedule.at
    task = connector.periodic_task
    if schedule.type not in (ScheduleType.CRON, ScheduleType.WHEN):
        connector.periodic_task = None
        connector.save(
            update_fields=[
                "schedule_type",
                "schedule_cron",
                "schedule_timezone",
                "schedule_at",
                "periodic_task",
                "updated_at",
            ]
        )
        if task:
            _delete_task(task)
        return
    if task is None:
        task = PeriodicTask(name=_task_name(connector), task=SCHEDULED_SYNC_TASK)
    old_clocked = task.clocked
    task.kwargs = json.dumps({"connector_id": str(connector.pk)})
    task.enabled = connector.state == State.RUNNING
    if schedule.type == ScheduleType.CRON:
        minute, hour, day_of_month, month_of_year, day_of_week = schedule.cron.split(" ")
        task.crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
            timezone=ZoneInfo(schedule.timezone),
        )
        task.clocked = None
        task.one_off = False
    else:
        task.clocked = ClockedSchedule.objects.create(clocked_time=schedule.at)
        task.crontab = None
        task.one_off = True
    task.save()
    if old_clocked and old_clocked != task.clocked:
        old_clocked.delete()
    connector.periodic_task = task
    connector.save(
        update_fields=[
            "schedule_type",
            "schedule_cron",
            "schedule_timezone",
            "schedule_at",
            "periodic_task",
            "updated_at",
        ]
    )


def set_enabled(connector: Connector, enabled: bool) -> None:
    task = connector.periodic_task
    if task and task.enabled != enabled:
        task.enabled = enabled
        task.save(update_fields=["enabled"])


def remove(connector: Connector) -> None:
    task = connector.periodic_task
    if task:
        Connector.all_objects.filter(pk=connector.pk).update(periodic_task=None)
        connector.periodic_task = None
        _delete_task(task)


def _delete_task(task: PeriodicTask) -> None:
    clocked = task.clocked
    task.delete()
    if clocked:
        clocked.delete()


def _one_off_answered() -> Q:
    """A ``when`` connector whose one sync has come: a scheduled sync queued since its time, or
    its tick skipped (a sync was active) since then."""
    started = Exists(
        Sync.objects.filter(
            connector=OuterRef("pk"),
            trigger=SyncTrigger.SCHEDULE,
            queued_at__gte=OuterRef("schedule_at"),
        )
    )
    return Q(schedule_type=ScheduleType.WHEN) & (
        Q(last_skipped_tick_at__gte=F("schedule_at")) | Q(started)
    )


def one_off_answered(connector: Connector) -> bool:
    """Whether a tick of ``connector``'s schedule comes after its one sync (a ``when`` schedule
    runs once, however many times its tick arrives)."""
    if connector.schedule_type != ScheduleType.WHEN:
        return False
    return Connector.objects.filter(pk=connector.pk).filter(_one_off_answered()).exists()


def unanswered_one_off_ticks(*, due_after, due_before) -> list:
    """Running connectors whose ``when`` time came between ``due_after`` and ``due_before`` with
    nothing to show for it (``_one_off_answered``): beat's tick went missing with the worker that
    took it.

    Beat's own record of the tick is no evidence either way: it writes that it sent a task only
    when it next saves its schedule, minutes later at worst, and disables a one-off task only
    when it next looks at it. A tick that was merely late finds its schedule answered."""
    return list(
        Connector.objects.filter(
            state=State.RUNNING,
            schedule_type=ScheduleType.WHEN,
            schedule_at__gt=due_after,
            schedule_at__lt=due_before,
        )
        .exclude(_one_off_answered())
        .values_list("pk", flat=True)
    )
