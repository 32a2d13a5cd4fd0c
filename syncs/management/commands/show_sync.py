from connectors.management.base import ConnectorCommand
from syncs.management.presenters import sync_detail
from syncs.selectors import sync_in


class Command(ConnectorCommand):
    help = "Show one sync: status, counts, progress, error and its log."
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("sync", help="Sync id.")

    def handle(self, *args, workspace, sync, **options):
        self.print_object(sync_detail(sync_in(self.workspace(workspace), sync)), options)
