"""When a sync starts: every rule that queues a sync, in one place.

| event | rule |
|---|---|
| someone asks (pages, API, CLI, admin) | ``sync_requested``: queued at once; on a starting connector it waits for the check; refused (409) on a stopped or failed connector and while a sync is active |
| a connector is created to import at once (live sources) | ``connector_created``: the first import is queued with the connector and runs once the check passes |
| a connector joins a collection | ``connector_associated``: an ``imed`` connector that is starting or running syncs now |
| the connector's check passes | ``check_passed``: syncs queued while it was starting run; a ``once`` connector syncs unless a sync is already waiting |
| a beat tick of a ``cron`` or ``when`` schedule | ``schedule_ticked``: a running connector syncs unless one is active (the skipped tick is recorded); a ``when`` schedule's tick counts once, however often it arrives |
| a ``when`` tick beat sent that no worker answered | ``syncs.liveness`` runs ``schedule_ticked`` for it, once |

``on_save`` says in one sentence what these rules will do with a connector saved with a schedule.
"""

from zoneinfo import ZoneInfo

from connectors import schedules
from connectors.lifecycle import State
from connectors.models import Connector, ScheduleType
from syncs import scheduling, services
from syncs.models import Sync, SyncTrigger
from tenancy.models import Collection


def sync_requested(
    *,
    actor,
    connector: Connector,
    trigger: str = SyncTrigger.MANUAL,
    collection: Collection | None = None,
    full: bool = False,
    enqueue: bool = True,
) -> Sync:
    """An explicit request; ``enqueue=False`` leaves the sync for the caller to run itself."""
    return services.sync_trigger(
        actor=actor,
        connector=connector,
        trigger=trigger,
        collection=collection,
        full=full,
        enqueue=enqueue,
    )


def connector_created(*, actor, connector: Connector, import_now: bool) -> Sync | None:
    """Right after a connector is created (same transaction): its first import, when asked."""
    if not import_now:
        return None
    return services.sync_trigger_unless_active(
        actor=actor, connector=connector, trigger=SyncTrigger.SCHEDULE
    )


def connector_associated(*, actor, connector: Connector, collection: Collection) -> Sync | None:
    if connector.schedule_type == ScheduleType.IMMEDIATE and connector.state in (
        State.STARTING,
        State.RUNNING,
    ):
        return services.sync_trigger_unless_active(
            actor=actor,
            connector=connector,
            trigger=SyncTrigger.ASSOCIATION,
            collection=collection,
        )
    return None


def check_passed(*, connector: Connector) -> Sync | None:
    """The connector just became running."""
    services.sync_release_queued(connector=connector)
    if connector.schedule_type == ScheduleType.ONCE and services.active_sync(connector) is None:
        return services.sync_trigger(actor=None, connector=connector, trigger=SyncTrigger.SCHEDULE)
    return None


def schedule_ticked(*, connector_id) -> Sync | None:
    connector = Connector.objects.filter(pk=connector_id, state=State.RUNNING).first()
    if connector is None or scheduling.one_off_answered(connector):
        return None
    return services.sync_trigger_unless_active(
        actor=None, connector=connector, trigger=SyncTrigger.SCHEDULE
    )


def on_save(schedule: schedules.Schedule) -> str:
    """What the rules above do once a connector with ``schedule`` is saved from a page."""
    kind = schedule.type
    if kind == ScheduleType.IMMEDIATE:
        return (
            "Imports once it is in a collection and its connection check passes; "
            "after that, nothing runs until you start a sync."
        )
    if kind == ScheduleType.ONCE:
        return "Imports once its connection check passes, and again each time it is started."
    first = next(iter(schedules.next_runs(schedule, 1)), None)
    if kind in (ScheduleType.CRON, ScheduleType.WHEN) and first is not None:
        at = first.astimezone(ZoneInfo(schedule.timezone)).strftime("%a %-d %b %Y, %H:%M %Z")
        if kind == ScheduleType.WHEN:
            return f"Nothing runs now; one import at {at}."
        return (
            f"Nothing runs now; first import at {at}, then {_lower(schedules.describe(schedule))}."
        )
    return "Nothing runs until you start a sync."


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
