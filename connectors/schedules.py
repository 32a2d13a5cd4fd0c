"""A connector's schedule, as a value: one of none; ``imed`` (sync when associated with a
collection, then on demand); ``once`` (one sync each time the connector starts); ``cron`` (a
5-field expression in a timezone); ``when`` (one sync at a date-time). Parsed from each family's
body and from the legacy config fields, described in words, its next runs worked out.
``syncs.scheduling`` makes beat follow it."""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cron_descriptor import get_description
from croniter import croniter
from django.utils import timezone as dj_timezone

from config.errors import InvalidInput
from connectors.models import Connector, ScheduleType

PERIODIC_CRONS = {
    "Hourly": "0 * * * *",
    "Daily": "0 0 * * *",
    "Weekly": "0 0 * * 0",
    "Monthly": "0 0 1 * *",
}


@dataclass(frozen=True)
class Schedule:
    type: str = ScheduleType.NONE
    cron: str = ""
    timezone: str = "UTC"
    at: datetime | None = None


def _zone(name: str, field: str = "timezone") -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput({field: [f"Unknown timezone {name!r}."]}) from None


def cron(expression: str, timezone: str = "UTC", *, field: str = "scheduler_value") -> Schedule:
    expression = " ".join((expression or "").split())
    if len(expression.split(" ")) != 5 or not croniter.is_valid(expression):
        raise InvalidInput(
            {field: ["Must be a valid 5-field cron expression (minute hour day month weekday)."]}
        )
    _zone(timezone)
    return Schedule(ScheduleType.CRON, cron=expression, timezone=timezone)


def when(value, timezone: str = "UTC", *, now=None, field: str = "scheduler_value") -> Schedule:
    """A one-off run at an ISO date-time, or at midnight of an ISO date, in the future."""
    zone = _zone(timezone)
    moment = value
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            try:
                moment = date.fromisoformat(value.strip())
            except ValueError:
                raise InvalidInput({field: ["Must be an ISO date or date-time."]}) from None
    if isinstance(moment, date) and not isinstance(moment, datetime):
        moment = datetime.combine(moment, time.min)
    if not isinstance(moment, datetime):
        raise InvalidInput({field: ["Must be an ISO date or date-time."]})
    if dj_timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zone)
    if moment <= (now or dj_timezone.now()):
        raise InvalidInput({field: ["Must be in the future."]})
    return Schedule(ScheduleType.WHEN, timezone=timezone, at=moment)


def from_scheduler(
    scheduler_type: str, scheduler_value: str | None, timezone: str = "UTC", *, now=None
):
    """The ``scheduler_type``/``scheduler_value`` pair of the workspace connectors API."""
    if scheduler_type == "imed":
        return Schedule(ScheduleType.IMMEDIATE, timezone=timezone)
    if scheduler_type == "cron":
        if not scheduler_value:
            raise InvalidInput({"scheduler_value": ["A cron expression is required."]})
        return cron(scheduler_value, timezone)
    if scheduler_type == "when":
        if not scheduler_value:
            raise InvalidInput({"scheduler_value": ["A date or date-time is required."]})
        return when(scheduler_value, timezone, now=now)
    raise InvalidInput({"scheduler_type": ["Must be one of: imed, cron, when."]})


def from_config(config: dict, timezone: str = "UTC") -> Schedule | None:
    """The schedule a config implies: registry specs' ``pollingInterval`` and live sources'
    ``runMode``; None when the config says nothing about scheduling."""
    operations = config.get("operations_config") if isinstance(config, dict) else None
    if isinstance(operations, dict) and operations.get("pollingInterval"):
        if operations["pollingInterval"] == "Periodic":
            expression = PERIODIC_CRONS.get(operations.get("schedule"), PERIODIC_CRONS["Daily"])
            return Schedule(ScheduleType.CRON, cron=expression, timezone=timezone)
        return Schedule(ScheduleType.ONCE, timezone=timezone)
    run_mode = str(config.get("runMode") or "").upper() if isinstance(config, dict) else ""
    if run_mode == "CONTINUOUS":
        return Schedule(ScheduleType.CRON, cron=PERIODIC_CRONS["Hourly"], timezone=timezone)
    if run_mode == "SCAN_ONCE":
        return Schedule(ScheduleType.ONCE, timezone=timezone)
    return None


#: Config fields that only say when to sync (``from_config``), as data paths.
SCHEDULE_FIELDS = (
    ("operations_config", "pollingInterval"),
    ("operations_config", "schedule"),
    ("runMode",),
)


def without_schedule_fields(config: dict) -> dict:
    """``config`` without the fields that only say when to sync (a copy)."""
    if not isinstance(config, dict):
        return config
    config = dict(config)
    if isinstance(config.get("operations_config"), dict):
        config["operations_config"] = {
            key: value
            for key, value in config["operations_config"].items()
            if ("operations_config", key) not in SCHEDULE_FIELDS
        }
    config.pop("runMode", None)
    return config


def config_with_schedule(config: dict, schedule: Schedule) -> dict:
    """``config`` saying ``schedule`` in the scheduling fields it has (the inverse of
    ``from_config``), so that the two never disagree: a named period's cron is "Periodic" with
    that period (a live source's hourly cron: ``CONTINUOUS``); another cron keeps the config's
    period, or "Daily"; anything else is "Once" (``SCAN_ONCE``). Fields the config does not
    have are not added."""
    if not isinstance(config, dict):
        return config
    config = dict(config)
    periodic = schedule.type == ScheduleType.CRON
    operations = config.get("operations_config")
    if isinstance(operations, dict) and "pollingInterval" in operations:
        operations = dict(operations)
        if periodic:
            named = {cron: name for name, cron in PERIODIC_CRONS.items()}.get(schedule.cron)
            operations["pollingInterval"] = "Periodic"
            operations["schedule"] = named or operations.get("schedule") or "Daily"
        else:
            operations["pollingInterval"] = "Once"
            operations.pop("schedule", None)
        config["operations_config"] = operations
    if "runMode" in config:
        hourly = periodic and schedule.cron == PERIODIC_CRONS["Hourly"]
        config["runMode"] = "CONTINUOUS" if hourly else "SCAN_ONCE"
    return config


def schedule_of(connector: Connector) -> Schedule:
    return Schedule(
        connector.schedule_type,
        cron=connector.schedule_cron,
        timezone=connector.schedule_timezone,
        at=connector.schedule_at,
    )


def next_runs(schedule: Schedule, count: int = 5, *, now=None) -> list[datetime]:
    now = now or dj_timezone.now()
    if schedule.type == ScheduleType.WHEN:
        return [schedule.at] if schedule.at and schedule.at > now else []
    if schedule.type != ScheduleType.CRON:
        return []
    iterator = croniter(schedule.cron, now.astimezone(_zone(schedule.timezone)))
    return [iterator.get_next(datetime) for _ in range(count)]


def describe(schedule: Schedule) -> str:
    if schedule.type == ScheduleType.CRON:
        return f"{get_description(schedule.cron)} ({schedule.timezone})"
    if schedule.type == ScheduleType.WHEN and schedule.at:
        return f"Once, at {schedule.at.astimezone(_zone(schedule.timezone)):%Y-%m-%d %H:%M %Z}"
    return ScheduleType(schedule.type).label
