"""Domain events, sent after the transaction that caused them commits.

Subscribers (audit trail, webhooks) connect to ``domain_event``; services call ``emit``.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from config import request_context
from config.actors import actor_label
from tenancy.models import ApiKey

domain_event = Signal()


@dataclass(frozen=True)
class Event:
    name: str
    actor: str
    workspace_id: str | None
    object_type: str
    object_id: str
    data: dict = field(default_factory=dict)
    at: datetime = field(default_factory=timezone.now)
    #: The client address of the request that caused it; None for commands and tasks.
    ip: str | None = None


def _object_id(obj) -> str:
    # An API key's primary key embeds the hash of the key: events name it by its prefix.
    return obj.prefix if isinstance(obj, ApiKey) else str(obj.pk)


def emit(name: str, *, actor, obj, workspace_id=None, **data) -> Event:
    context = request_context.current()
    event = Event(
        name=name,
        actor=actor_label(actor),
        workspace_id=str(workspace_id) if workspace_id else None,
        object_type=type(obj)._meta.model_name,
        object_id=_object_id(obj),
        data=data,
        ip=context.ip if context else None,
    )
    transaction.on_commit(lambda: domain_event.send(sender=Event, event=event), robust=True)
    return event
