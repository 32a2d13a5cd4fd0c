"""Creating and editing connectors through each API family's body (see ``connectors.families``).

These map a family's fields onto the one config and call the connector services; config errors
are reported under the body field that carried the value (``storage_config.bucket_name``,
``slots.root_file_id``, ``config.connector_config.port``).
"""

import re

from django.db import transaction

from connectors import credentials, families, selectors
from connectors.errors import InvalidInput, NotFound
from connectors.models import (
    Collection,
    Connector,
    ConnectorDefinition,
    DefinitionStatus,
    Workspace,
)
from connectors.schema.secrets import deep_merge
from connectors.services.change_kind import connector_change_kind
from connectors.services.connectors import connector_create, connector_update
from syncs import scheduling

STORAGE_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
STORAGE_NAME_RULE = (
    "Use 1-63 lower-case letters, digits and dashes, starting and ending with a letter or digit."
)


def family_definition(
    type_name, allowed: tuple[str, ...] | None, field: str
) -> ConnectorDefinition:
    """The definition a family body names, or a 400 on ``field`` listing what is possible."""
    if not isinstance(type_name, str) or not type_name:
        raise InvalidInput({field: ["This field is required."]})
    if allowed is not None and type_name not in allowed:
        raise InvalidInput(
            {field: [f"Unsupported type {type_name!r}; supported types: {', '.join(allowed)}."]}
        )
    try:
        return selectors.definition_for_type(type_name)
    except NotFound:
        pass
    if allowed is not None:
        raise InvalidInput({field: [f"The {type_name} connector type is not installed."]})
    live = (
        ConnectorDefinition.objects.filter(status=DefinitionStatus.LIVE)
        .order_by("connector_id")
        .values_list("connector_id", flat=True)
        .distinct()
    )
    raise InvalidInput(
        {
            field: [
                f"Unknown connector type {type_name!r}; use a connector_id or registry id "
                f"of the registry (live types: {', '.join(live) or 'none'})."
            ]
        }
    )


def _prefixed(error: InvalidInput, prefix_of) -> InvalidInput:
    errors: dict[str, list[str]] = {}
    for path, messages in error.errors.items():
        if path in ("config", "non_field_errors"):  # the config as a whole
            path = ""
        prefix = prefix_of(path)
        key = ".".join(part for part in (prefix, path) if part) or "non_field_errors"
        errors.setdefault(key, []).extend(messages)
    return InvalidInput(errors)


def _prepared(definition, config, prefix_of, stored=None) -> dict:
    """The config validated up front, so that its errors name the body field they came from."""
    try:
        return credentials.prepare(definition, config, stored)
    except InvalidInput as error:
        raise _prefixed(error, prefix_of) from None


def _under(field: str):
    return lambda path: field


def normalised_run_mode(options: dict) -> dict:
    run_mode = options.get("runMode")
    if isinstance(run_mode, str):
        options = {**options, "runMode": run_mode.strip().upper()}
    return options


@transaction.atomic
def live_source_create(
    *,
    actor,
    workspace: Workspace,
    live_source_type: str,
    name: str,
    description: str = "",
    options: dict,
) -> Connector:
    """000: ``options`` are the body's other fields (``url``, ``runMode``, crawl options). A live
    source imports at once: its first sync is queued with it."""
    definition = family_definition(live_source_type, families.LIVE_SOURCE_TYPES, "liveSourceType")
    known = definition.ui_spec.get("schema", {}).get("properties", {})
    unknown = sorted(str(key) for key in options if key not in known)
    if unknown:
        raise InvalidInput(
            {
                key[:100]: [f"Unknown field: not an option of {definition.connector_id} sources."]
                for key in unknown[:20]
            }
        )
    config = _prepared(definition, normalised_run_mode(options), _under(""))
    return connector_create(
        actor=actor,
        workspace=workspace,
        definition=definition,
        name=name,
        description=description,
        config=config,
        import_now=True,
    )


@transaction.atomic
def storage_connector_create(
    *, actor, workspace: Workspace, name: str, storage_type: str, storage_config: dict
) -> Connector:
    if not STORAGE_NAME.match(name):
        slash = "A name may not contain '/'. " if "/" in name else ""
        raise InvalidInput({"name": [slash + STORAGE_NAME_RULE]})
    definition = family_definition(storage_type, families.STORAGE_TYPES, "storage_type")
    config = _prepared(definition, storage_config, _under("storage_config"))
    return connector_create(
        actor=actor, workspace=workspace, definition=definition, name=name, config=config
    )


@transaction.atomic
def storage_connector_update(
    *, actor, connector: Connector, storage_type: str, storage_config: dict
) -> Connector:
    """001's PUT: the whole config again (masked secrets keep their stored values). Another
    ``storage_type`` moves the connector to that kind (``connector_change_kind``)."""
    if storage_type != connector.definition.connector_id:
        definition = family_definition(storage_type, families.STORAGE_TYPES, "storage_type")
        config = _prepared(definition, storage_config, _under("storage_config"))
        return connector_change_kind(
            actor=actor, connector=connector, definition=definition, config=config
        )
    stored = credentials.full_config(connector)
    config = _prepared(connector.definition, storage_config, _under("storage_config"), stored)
    return connector_update(actor=actor, connector=connector, config=config)


@transaction.atomic
def workspace_connector_create(
    *,
    actor,
    workspace: Workspace,
    type_name: str,
    name: str,
    slots: dict,
    secrets: dict,
    scheduler_type: str,
    scheduler_value: str | None,
    timezone: str = "UTC",
    connector_id=None,
) -> Connector:
    """004: the connector and its schedule, in one transaction; nothing is kept on any error."""
    definition = family_definition(type_name, families.WORKSPACE_TYPES, "type")
    schedule = scheduling.from_scheduler(scheduler_type, scheduler_value, timezone)
    secret_keys = families.credential_keys(definition)

    def section(path: str) -> str:
        return "credentials" if path.split(".")[0] in secret_keys else "slots"

    config = _prepared(definition, deep_merge(slots, secrets), section)
    return connector_create(
        actor=actor,
        workspace=workspace,
        definition=definition,
        name=name,
        config=config,
        schedule=schedule,
        connector_id=connector_id,
    )


@transaction.atomic
def collection_connector_create(
    *,
    actor,
    collection: Collection,
    type_name: str,
    name: str,
    description: str = "",
    config: dict,
    secrets: dict,
    schedule: dict | None = None,
) -> Connector:
    """003: any kind, created in the collection's workspace and associated with it; ``schedule``
    is the body's optional ``{"type", "cron", "at", "timezone"}``."""
    definition = family_definition(type_name, None, "type")
    prepared = _prepared(definition, deep_merge(config, secrets), _under("config"))
    return connector_create(
        actor=actor,
        workspace=collection.space.workspace,
        definition=definition,
        name=name,
        description=description,
        config=prepared,
        collections=[collection],
        schedule=_body_schedule(schedule),
    )


def _body_schedule(schedule: dict | None) -> scheduling.Schedule | None:
    if not schedule:
        return None
    timezone = schedule.get("timezone") or "UTC"
    if schedule.get("type") == "cron":
        return scheduling.cron(schedule.get("cron") or "", timezone, field="schedule.cron")
    if schedule.get("type") == "when":
        if not schedule.get("at"):
            raise InvalidInput({"schedule.at": ["A date or date-time is required."]})
        return scheduling.when(schedule["at"], timezone, field="schedule.at")
    return scheduling.Schedule(timezone=timezone)


@transaction.atomic
def collection_connector_update(
    *,
    actor,
    connector: Connector,
    config: dict | None = None,
    secrets: dict | None = None,
    **fields,
) -> Connector:
    """003's PATCH: ``config`` is a JSON Merge Patch of the config, ``credentials`` deep-merged
    over it; ``name`` and ``description`` as given."""
    if config is not None or secrets is not None:
        stored = credentials.full_config(connector)
        patched = deep_merge(families.merge_patch(stored, config or {}), secrets or {})
        fields["config"] = _prepared(connector.definition, patched, _under("config"), stored)
    return connector_update(actor=actor, connector=connector, **fields)
