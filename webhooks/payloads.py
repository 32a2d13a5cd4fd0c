"""The JSON body of each webhook event: ids first, then what a receiver needs to act without
calling back. Secret values never appear (the connector's own are redacted from messages).

    {"id": "<event uuid>", "type": "sync.failed", "created_at": "<ISO 8601>",
     "workspace_id": "<uuid>", "data": {...}}
"""

import uuid

from connectors.models import Connector
from connectors.redaction import connector_secret_values, masked
from syncs.models import Sync, SyncStatus
from webhooks.models import EventType

_FINISHED = {
    SyncStatus.SUCCEEDED: EventType.SYNC_SUCCEEDED,
    SyncStatus.FAILED: EventType.SYNC_FAILED,
    SyncStatus.CANCELLED: EventType.SYNC_CANCELLED,
}


def event_type_of(event) -> str | None:
    """The webhook event type of a domain event, or None when webhooks do not carry it."""
    if event.name == "sync.started":
        return EventType.SYNC_STARTED
    if event.name == "sync.finished":
        return _FINISHED.get(event.data.get("status"))
    if event.name == "connector.state_changed":
        return EventType.CONNECTOR_STATE_CHANGED
    if event.name == "documents.changed":
        return EventType.DOCUMENTS_CHANGED
    return None


def _iso(moment):
    return moment.isoformat() if moment else None


def _sync_data(sync_id) -> dict:
    sync = Sync.objects.select_related("connector__definition").get(pk=sync_id)
    return {
        "sync_id": str(sync.pk),
        "connector_id": str(sync.connector_id),
        "connector_name": sync.connector.name,
        "connector_type": sync.connector.definition.connector_id,
        "collection_id": str(sync.collection_id) if sync.collection_id else None,
        "status": sync.status,
        "trigger": sync.trigger,
        "full": sync.full,
        "queued_at": _iso(sync.queued_at),
        "started_at": _iso(sync.started_at),
        "finished_at": _iso(sync.finished_at),
        "documents": {
            "seen": sync.documents_seen,
            "created": sync.documents_created,
            "updated": sync.documents_updated,
            "unchanged": sync.documents_unchanged,
            "deleted": sync.documents_deleted,
            "failed": sync.documents_failed,
        },
        "error": {
            "origin": sync.error_origin,
            "type": sync.error_type,
            "message": sync.error_message,
            "retryable": sync.error_retryable,
        }
        if (sync.error_message or sync.error_type)
        else None,
    }


def _connector_data(event) -> dict:
    connector = (
        Connector.all_objects.select_related("definition").filter(pk=event.object_id).first()
    )
    return {
        "connector_id": event.object_id,
        "connector_name": connector.name if connector else None,
        "connector_type": connector.definition.connector_id if connector else None,
        "previous_state": event.data.get("previous"),
        "state": event.data.get("state"),
        "reason": event.data.get("reason") or "",
    }


def _documents_data(event) -> dict:
    """Which collections' change feeds have something new, and how much: never the documents."""
    return {
        "collection_ids": event.data["collections"],
        "connector_id": event.data["connector"],
        "sync_id": event.data.get("sync"),
        "upserts": event.data["upserts"],
        "deletes": event.data["deletes"],
        "reason": event.data["reason"],
    }


def payload_of(event, event_type: str) -> dict:
    if event_type == EventType.CONNECTOR_STATE_CHANGED:
        data = _connector_data(event)
    elif event_type == EventType.DOCUMENTS_CHANGED:
        data = _documents_data(event)
    else:
        data = _sync_data(event.object_id)
    return {
        "id": str(uuid.uuid4()),
        "type": event_type,
        "created_at": _iso(event.at),
        "workspace_id": event.workspace_id,
        "data": masked(data, connector_secret_values(data["connector_id"])),
    }
