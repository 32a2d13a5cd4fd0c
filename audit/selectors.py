from django.db.models import QuerySet

from audit.models import AuditEntry


def entries_of(workspace) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(workspace_id=workspace.pk)
