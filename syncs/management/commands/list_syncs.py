from connectors.management.base import ConnectorCommand
from syncs import selectors
from syncs.management.presenters import sync_row
from syncs.models import Sync, SyncStatus


class Command(ConnectorCommand):
    help = "List syncs of a workspace (newest first), optionally of one connector."
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("--connector", help="Connector name or id.")
        parser.add_argument("--status", choices=SyncStatus.values)
        parser.add_argument("--limit", type=int, default=20, help="At most this many (default 20).")

    def handle(self, *args, workspace, connector, status, limit, **options):
        target = self.workspace(workspace)
        if connector:
            syncs = selectors.syncs_of(self.connector(target, connector))
        else:
            syncs = Sync.objects.filter(
                connector__workspace=target, connector__deleted_at__isnull=True
            )
            syncs = syncs.order_by("-queued_at", "-id")
        if status:
            syncs = syncs.filter(status=status)
        rows = [sync_row(s) for s in syncs.select_related("connector")[: max(1, limit)]]
        columns = [
            "id",
            "connector",
            "trigger",
            "status",
            "done",
            "total",
            "queued_at",
            "finished_at",
        ]
        self.print_rows(rows, columns, options)
