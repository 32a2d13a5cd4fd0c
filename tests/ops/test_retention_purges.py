"""The retention task also removes idempotency records past their 24 hours and heartbeats of
services gone long ago."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import ActorType, AuditEntry
from connectors.models import IdempotencyRecord
from ops.models import ServiceHeartbeat
from ops.tasks import purge_expired

pytestmark = pytest.mark.database


@pytest.mark.django_db
def test_expired_idempotency_records_and_stale_heartbeats_are_purged(settings):
    now = timezone.now()
    for key, age in (("old", timedelta(hours=25)), ("fresh", timedelta(hours=23))):
        IdempotencyRecord.objects.create(
            scope="key:1", key=key, request_hash="0" * 64, created_at=now - age
        )
    settings.CONNECTOR_HUB_HEARTBEAT_FORGET_AFTER = 3600
    ServiceHeartbeat.objects.create(name="worker:gone@host", at=now - timedelta(hours=2))
    ServiceHeartbeat.objects.create(name="worker:alive@host", at=now)

    result = purge_expired()

    assert result["idempotency_records"] == 1
    assert result["heartbeats"] == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]
    assert list(ServiceHeartbeat.objects.values_list("name", flat=True)) == ["worker:alive@host"]


def _audit_entry(action, at):
    return AuditEntry.objects.create(
        at=at,
        action=action,
        actor="system",
        actor_type=ActorType.SYSTEM,
        object_type="Workspace",
        object_id="1",
    )


@pytest.mark.django_db
def test_audit_entries_older_than_their_retention_are_purged(settings):
    now = timezone.now()
    settings.CONNECTOR_HUB_AUDIT_RETENTION_DAYS = 30
    _audit_entry("old", now - timedelta(days=31))
    _audit_entry("recent", now - timedelta(days=29))

    assert purge_expired()["audit_entries"] == 1
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["recent"]


@pytest.mark.django_db
def test_a_zero_audit_retention_keeps_every_entry(settings):
    settings.CONNECTOR_HUB_AUDIT_RETENTION_DAYS = 0
    _audit_entry("ancient", timezone.now() - timedelta(days=3650))

    assert purge_expired()["audit_entries"] == 0
    assert AuditEntry.objects.count() == 1
