"""Plain dicts of domain objects for command output (secrets always masked)."""

from connectors import credentials, schedules


def connector_row(connector) -> dict:
    return {
        "id": str(connector.pk),
        "name": connector.name,
        "type": connector.definition.connector_id,
        "version": connector.definition.version,
        "state": connector.state,
        "schedule": schedules.describe(schedules.schedule_of(connector)),
        "updated_at": connector.updated_at,
    }


def connector_detail(connector) -> dict:
    schedule = schedules.schedule_of(connector)
    return {
        **connector_row(connector),
        "workspace": connector.workspace.slug,
        "description": connector.description,
        "state_reason": connector.state_reason,
        "state_changed_at": connector.state_changed_at,
        "schedule_type": schedule.type,
        "schedule_cron": schedule.cron,
        "schedule_timezone": schedule.timezone,
        "schedule_at": schedule.at,
        "next_runs": schedules.next_runs(schedule),
        "collections": [str(pk) for pk in connector.collections.values_list("pk", flat=True)],
        "config": credentials.masked_config(connector),
        "created_by": connector.created_by,
        "created_at": connector.created_at,
    }
