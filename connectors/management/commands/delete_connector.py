from connectors import services
from connectors.management.base import ConnectorCommand


class Command(ConnectorCommand):
    help = "Delete a connector: it disappears at once; its documents are purged by a worker."

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("connector", help="Connector name or id.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, workspace, connector, **options):
        target = self.connector(self.workspace(workspace), connector)
        self.confirm(f"Delete connector {target.name} and all its documents?", options)
        services.connector_delete(actor=None, connector=target)
        self.stdout.write(f"Deleted connector {target.name}.")
