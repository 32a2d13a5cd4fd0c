from connectors import services
from connectors.management.base import ConnectorCommand


class Command(ConnectorCommand):
    help = "Mark a connector failed (for one stuck in an unwanted state)."

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("connector", help="Connector name or id.")

    def handle(self, *args, workspace, connector, **options):
        target = self.connector(self.workspace(workspace), connector)
        updated = services.connector_fail(actor=None, connector=target)
        self.stdout.write(f"{updated.name}: {updated.state}")
