from connectors import services
from connectors.management.base import ConnectorCommand


class Command(ConnectorCommand):
    help = "Stop a connector: its schedule pauses and an active sync is cancelled."

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("connector", help="Connector name or id.")

    def handle(self, *args, workspace, connector, **options):
        target = self.connector(self.workspace(workspace), connector)
        updated = services.connector_stop(actor=None, connector=target)
        self.stdout.write(f"{updated.name}: {updated.state}")
