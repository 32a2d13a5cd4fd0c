from django.core.management.base import CommandError

from connectors.management.base import ConnectorCommand
from syncs import services
from syncs.selectors import sync_in


class Command(ConnectorCommand):
    help = "Cancel a sync by id, or the active sync of --connector."

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("sync", nargs="?", help="Sync id.")
        target.add_argument("--connector", help="Cancel this connector's active sync (name or id).")

    def handle(self, *args, workspace, sync, connector, **options):
        target = self.workspace(workspace)
        if connector:
            found = self.connector(target, connector)
            cancelled = services.sync_cancel_active(actor=None, connector=found)
            if cancelled is None:
                raise CommandError(f"{found.name} has no active sync.")
        else:
            cancelled = services.sync_cancel(actor=None, sync=sync_in(target, sync))
        self.stdout.write(f"Sync {cancelled.pk}: {cancelled.status}")
