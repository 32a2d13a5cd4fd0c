"""Domain events that webhooks carry become deliveries once their transaction has committed."""

import logging

from config.events import Event, domain_event
from webhooks import services
from webhooks.models import WebhookSubscription
from webhooks.payloads import event_type_of, payload_of

logger = logging.getLogger(__name__)


def on_domain_event(sender, event: Event, **kwargs) -> None:
    event_type = event_type_of(event)
    if event_type is None or not event.workspace_id:
        return
    try:
        if not WebhookSubscription.objects.filter(workspace_id=event.workspace_id).exists():
            return
        services.deliveries_create(
            workspace_id=event.workspace_id,
            event_type=event_type,
            payload=payload_of(event, event_type),
        )
    except Exception:  # the change itself is committed; the other subscribers still run
        logger.exception("Could not queue the webhooks of %s", event.name)


domain_event.connect(on_domain_event, dispatch_uid="webhooks.deliveries")
