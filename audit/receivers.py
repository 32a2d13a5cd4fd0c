"""Every domain event becomes an audit entry once its transaction has committed."""

import logging

from audit.models import ActorType, AuditEntry
from config.events import Event, domain_event
from connectors.redaction import connector_secret_values, masked

logger = logging.getLogger(__name__)


def _actor_type(label: str) -> str:
    kind = label.partition(":")[0]
    return kind if kind in (ActorType.USER, ActorType.KEY) else ActorType.SYSTEM


def _connector_secret_values(event: Event) -> list[str]:
    if event.object_type == "connector":
        return connector_secret_values(event.object_id)
    return connector_secret_values(event.data.get("connector"))


def record(event: Event) -> AuditEntry:
    return AuditEntry.objects.create(
        at=event.at,
        workspace_id=event.workspace_id,
        action=event.name,
        actor=event.actor[:200],
        actor_type=_actor_type(event.actor),
        object_type=event.object_type,
        object_id=event.object_id,
        ip=event.ip,
        data=masked(event.data, _connector_secret_values(event)),
    )


# Notices of data written, one per stored batch of a sync: the sync's own events record the work.
NOT_RECORDED = frozenset({"documents.changed"})


def on_domain_event(sender, event: Event, **kwargs) -> None:
    if event.name in NOT_RECORDED:
        return
    try:
        record(event)
    except Exception:  # the change itself is committed; the other subscribers still run
        logger.exception("Could not record the audit entry of %s", event.name)


domain_event.connect(on_domain_event, dispatch_uid="audit.record")
