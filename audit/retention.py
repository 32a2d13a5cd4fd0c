"""Audit entries older than ``CONNECTOR_HUB_AUDIT_RETENTION_DAYS`` are removed (0 keeps them
forever), in bounded chunks."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from audit.models import AuditEntry
from syncs.retention import delete_in_chunks


def purge_old_audit_entries(*, now=None) -> int:
    days = settings.CONNECTOR_HUB_AUDIT_RETENTION_DAYS
    if days <= 0:
        return 0
    now = now or timezone.now()
    return delete_in_chunks(AuditEntry.objects.filter(at__lt=now - timedelta(days=days)))
