"""The retention task also removes idempotency records past their 24 hours and heartbeats of
services gone long ago."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connectors.models import IdempotencyRecord
from ops.models import ServiceHeartbeat
from syncs.tasks import purge_expired

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
