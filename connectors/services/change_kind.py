"""Moving a connector to another kind (001's PUT with another ``storage_type``, the pages, the CLI).

The connector keeps its id, name, collections, schedule and documents; it takes the new kind's
definition and config (validated against it, with none of the old kind's secrets: a mask sent
back has nothing to restore and is dropped) and its check runs again, as after any config edit.
The cursor is cleared, so the next sync reads the new source from the start; the next full pass
prunes the documents read from the old source (a pass removes what it did not see).
"""

from django.db import transaction

from config.actors import actor_label
from config.errors import InvalidInput
from config.events import emit
from connectors import credentials, signals
from connectors.lifecycle import Action, State, next_state
from connectors.models import Connector
from connectors.services.connectors import _enter_state, _lock, _usable_definition
from registry.configs import prepare
from registry.models import ConnectorDefinition


@transaction.atomic
def connector_change_kind(
    *, actor, connector: Connector, definition: ConnectorDefinition, config: dict
) -> Connector:
    """``config`` is the whole config of the new kind; InvalidInput names its fields."""
    connector = _lock(connector)
    previous = connector.definition
    if definition.pk == previous.pk:
        raise InvalidInput({"type": [f"The connector is already {previous.registry_id}."]})
    _usable_definition(definition)
    target = next_state(connector.state, Action.EDIT)
    full = prepare(definition, config)  # nothing stored of the old kind is restored
    connector.definition = definition
    credentials.store(connector, full)
    connector.cursor = None
    signals.source_replaced.send(
        Connector, actor=actor, connector=connector, reason="The connector moved to another kind."
    )
    connector.updated_by = actor_label(actor)
    connector.save(
        update_fields=[
            "definition",
            *credentials.STORED_FIELDS,
            "cursor",
            "updated_by",
            "updated_at",
        ]
    )
    if target == State.STARTING:
        _enter_state(
            connector,
            State.STARTING,
            actor=actor,
            reason=f"Moved from {previous.connector_id} to {definition.connector_id}.",
        )
    emit(
        "connector.updated",
        actor=actor,
        obj=connector,
        workspace_id=connector.workspace_id,
        fields=["type", "config", "credentials"],
        previous_type=previous.registry_id,
        type=definition.registry_id,
    )
    return connector
