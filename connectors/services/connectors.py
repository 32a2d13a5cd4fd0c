"""Connectors: create, edit, delete, the lifecycle, and their collections."""

import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from config import crypto
from config.actors import actor_label
from config.errors import InvalidInput, NotFound, validated
from config.events import emit
from connectors import credentials, schedules, signals
from connectors.lifecycle import DELETED, NOOP, Action, State, next_state
from connectors.models import Connector, ConnectorCollection, Credential
from registry.configs import prepare
from registry.models import ConnectorDefinition, DefinitionStatus
from registry.schema import secrets
from tenancy.models import Collection, Workspace

_UNSET = object()
NAME_TAKEN = "A connector with this name already exists in this workspace."


def _enqueue_check(connector: Connector) -> None:
    from connectors.tasks import check_connector

    connector_id, token = str(connector.pk), str(connector.check_token)
    transaction.on_commit(lambda: check_connector.delay(connector_id, token))


def _lock(connector: Connector) -> Connector:
    try:
        return (
            Connector.objects.select_for_update().select_related("definition").get(pk=connector.pk)
        )
    except Connector.DoesNotExist:
        raise NotFound("Connector not found.") from None


def _check_name(workspace: Workspace, name: str, exclude_pk=None) -> None:
    taken = Connector.objects.filter(workspace=workspace, name=name)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise InvalidInput({"name": [NAME_TAKEN]})


def _enter_state(connector: Connector, target: str, *, actor, reason: str = "") -> None:
    """Move to ``target`` (already allowed by the table) with everything that goes with it."""
    previous = connector.state
    connector.state = target
    connector.state_reason = reason
    connector.state_changed_at = timezone.now()
    connector.check_token = uuid.uuid4() if target == State.STARTING else None
    connector.updated_by = actor_label(actor)
    connector.save(
        update_fields=[
            "state",
            "state_reason",
            "state_changed_at",
            "check_token",
            "updated_by",
            "updated_at",
        ]
    )
    signals.state_entered.send(Connector, actor=actor, connector=connector, state=target)
    if target == State.STARTING:
        _enqueue_check(connector)
    if previous != target:
        emit(
            "connector.state_changed",
            actor=actor,
            obj=connector,
            workspace_id=connector.workspace_id,
            previous=previous,
            state=target,
            reason=reason,
        )


def _apply_action(connector: Connector, action: str, *, actor, reason: str = "") -> Connector:
    connector = _lock(connector)
    target = next_state(connector.state, action)
    if target != NOOP:
        _enter_state(connector, target, actor=actor, reason=reason)
    return connector


def _usable_definition(definition: ConnectorDefinition) -> None:
    if definition.status == DefinitionStatus.RETIRED:
        raise InvalidInput(
            {"type": [f"{definition.registry_id} is retired; choose a live version."]}
        )
    if definition.status != DefinitionStatus.LIVE:
        raise InvalidInput(
            {"type": [f"{definition.registry_id} is not live ({definition.status})."]}
        )


@transaction.atomic
def connector_create(
    *,
    actor,
    workspace: Workspace,
    definition: ConnectorDefinition,
    name: str,
    config: dict | None = None,
    description: str = "",
    schedule: schedules.Schedule | None = None,
    collections: list[Collection] = (),
    connector_id: uuid.UUID | None = None,
    import_now: bool = False,
) -> Connector:
    """Create a connector in ``starting``; its check runs in a worker once this commits.
    ``import_now``: its first sync is queued with it (``syncs.start_rules``)."""
    _usable_definition(definition)
    full = prepare(definition, config or {})
    if schedule is None:
        schedule = schedules.from_config(full) or schedules.Schedule()
    connector = Connector(
        workspace=workspace,
        definition=definition,
        name=name,
        description=description,
        state=State.STARTING,
        check_token=uuid.uuid4(),
        created_by=actor_label(actor),
        updated_by=actor_label(actor),
    )
    if connector_id is not None:
        if Connector.all_objects.filter(pk=connector_id).exists():
            raise InvalidInput({"id": ["A connector with this id already exists."]})
        connector.pk = connector_id
    _check_name(workspace, name)
    validated(connector, exclude=["config"])
    try:
        with transaction.atomic():
            connector.save(force_insert=True)
    except IntegrityError:
        raise InvalidInput({"name": [NAME_TAKEN]}) from None
    credentials.store(connector, full)
    connector.save(update_fields=[*credentials.STORED_FIELDS])
    signals.schedule_set.send(Connector, connector=connector, schedule=schedule)
    emit(
        "connector.created",
        actor=actor,
        obj=connector,
        workspace_id=workspace.pk,
        type=definition.connector_id,
    )
    for collection in collections:
        connector_associate(actor=actor, connector=connector, collection=collection)
    signals.created.send(Connector, actor=actor, connector=connector, import_now=import_now)
    _enqueue_check(connector)
    return connector


@transaction.atomic
def connector_update(
    *,
    actor,
    connector: Connector,
    name=_UNSET,
    description=_UNSET,
    config: dict | None = None,
    schedule: schedules.Schedule | None = None,
) -> Connector:
    """Edit a connector. A new config is validated (masks keep the stored secrets) and, per the
    lifecycle table, re-checked unless the connector is stopped."""
    connector = _lock(connector)
    changed = []
    if name is not _UNSET and name != connector.name:
        connector.name = name
        _check_name(connector.workspace, name, exclude_pk=connector.pk)
        validated(connector, exclude=["config"])
        changed.append("name")
    if description is not _UNSET and description != connector.description:
        connector.description = description
        changed.append("description")
    if changed:
        connector.updated_by = actor_label(actor)
        connector.save(update_fields=[*changed, "updated_by", "updated_at"])
    if config is not None:
        target = next_state(connector.state, Action.EDIT)
        stored = credentials.full_config(connector)
        full = prepare(connector.definition, config, stored)
        if full != stored:
            layout = secrets.secret_layout(connector.definition.ui_spec)
            if secrets.split(layout, full)[1] != secrets.split(layout, stored)[1]:
                changed.append("credentials")
            credentials.store(connector, full)
            update_fields = [*credentials.STORED_FIELDS, "updated_at"]
            if _reads_differently(connector.definition, stored, full):
                # The next sync starts a fresh pass; a sync still reading the old config sees
                # that its pass is gone and stops (syncs.engine.passes).
                connector.cursor = None
                update_fields.append("cursor")
            connector.save(update_fields=update_fields)
            changed.append("config")
            if schedule is None:
                schedule = schedules.from_config(full)
            if target == State.STARTING:
                _enter_state(
                    connector, State.STARTING, actor=actor, reason="Configuration changed."
                )
    if schedule is not None and schedule != schedules.schedule_of(connector):
        signals.schedule_set.send(Connector, connector=connector, schedule=schedule)
        changed.append("schedule")
    if changed:
        emit(
            "connector.updated",
            actor=actor,
            obj=connector,
            workspace_id=connector.workspace_id,
            fields=changed,
        )
    return connector


def _reads_differently(definition: ConnectorDefinition, stored: dict, full: dict) -> bool:
    """Whether a new config may read another source or selection: anything but secret values
    and the fields that only say when to sync changed. A rotated password or token, or a new
    polling interval, reads the same source, so the cursor stays."""
    layout = secrets.secret_layout(definition.ui_spec)
    return schedules.without_schedule_fields(
        secrets.mask(layout, stored)
    ) != schedules.without_schedule_fields(secrets.mask(layout, full))


@transaction.atomic
def connector_delete(*, actor, connector: Connector) -> None:
    """Hide the connector at once; its syncs stop and its documents are purged by a task."""
    connector = _lock(connector)
    assert next_state(connector.state, Action.DELETE) == DELETED
    connector.deleted_at = timezone.now()
    connector.check_token = None
    connector.updated_by = actor_label(actor)
    connector.save(update_fields=["deleted_at", "check_token", "updated_by", "updated_at"])
    signals.deleting.send(Connector, actor=actor, connector=connector)
    ConnectorCollection.objects.filter(connector=connector).delete()
    signals.deleted.send(Connector, connector=connector)
    emit("connector.deleted", actor=actor, obj=connector, workspace_id=connector.workspace_id)


@transaction.atomic
def connector_start(*, actor, connector: Connector) -> Connector:
    return _apply_action(connector, Action.START, actor=actor)


@transaction.atomic
def connector_stop(*, actor, connector: Connector, reason: str = "") -> Connector:
    return _apply_action(connector, Action.STOP, actor=actor, reason=reason or "Stopped.")


@transaction.atomic
def connector_fail(*, actor, connector: Connector, reason: str = "") -> Connector:
    return _apply_action(connector, Action.FAIL, actor=actor, reason=reason or "Failed by request.")


@transaction.atomic
def connector_restart(*, actor, connector: Connector) -> Connector:
    """Run the check again, whatever the state (a stopped connector starts)."""
    connector = _lock(connector)
    _enter_state(connector, State.STARTING, actor=actor, reason="Restarted.")
    return connector


@transaction.atomic
def connector_check_finished(*, connector_id, check_token, error: str | None) -> Connector | None:
    """Record the outcome of a check. A check superseded by a newer edit or action changes nothing."""
    connector = (
        Connector.objects.select_for_update()
        .filter(pk=connector_id, check_token=check_token, state=State.STARTING)
        .first()
    )
    if connector is None:
        return None
    if error:
        signals.check_failed.send(Connector, connector=connector, error=error)
        _enter_state(connector, State.FAILED, actor=None, reason=error)
        return connector
    _enter_state(connector, State.RUNNING, actor=None, reason="")
    signals.check_passed.send(Connector, connector=connector)
    return connector


@transaction.atomic
def connector_associate(
    *, actor, connector: Connector, collection: Collection
) -> ConnectorCollection:
    """Attach a connector to a collection of its workspace (``start_rules`` says whether that
    starts a sync)."""
    if collection.space.workspace_id != connector.workspace_id:
        raise NotFound("Collection not found.")
    association, created = ConnectorCollection.objects.get_or_create(
        connector=connector, collection=collection
    )
    if created:
        signals.joined.send(Connector, actor=actor, connector=connector, collection=collection)
        emit(
            "connector.associated",
            actor=actor,
            obj=connector,
            workspace_id=connector.workspace_id,
            collection=str(collection.pk),
        )
        signals.associated.send(Connector, actor=actor, connector=connector, collection=collection)
    return association


@transaction.atomic
def connector_dissociate(*, actor, connector: Connector, collection: Collection) -> bool:
    deleted, _ = ConnectorCollection.objects.filter(
        connector=connector, collection=collection
    ).delete()
    if deleted:
        signals.left.send(Connector, actor=actor, connector=connector, collection=collection)
        emit(
            "connector.dissociated",
            actor=actor,
            obj=connector,
            workspace_id=connector.workspace_id,
            collection=str(collection.pk),
        )
    return bool(deleted)


@transaction.atomic
def connector_remove_from_collection(
    *, actor, connector: Connector, collection: Collection
) -> bool:
    """The collection API's DELETE: dissociate, and delete the connector when no collection is
    left. Returns True when the connector itself was deleted."""
    if not connector_dissociate(actor=actor, connector=connector, collection=collection):
        raise NotFound("The connector is not in this collection.")
    if not ConnectorCollection.objects.filter(connector=connector).exists():
        connector_delete(actor=actor, connector=connector)
        return True
    return False


def credentials_rotate(*, actor, batch_size: int = 500) -> int:
    """Re-encrypt every connector credential with the newest key."""
    return crypto.rotate_column(Credential.objects.all(), "token", batch_size=batch_size)
