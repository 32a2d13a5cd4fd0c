from connectors.management.base import ConnectorCommand
from connectors.management.presenters import connector_detail


class Command(ConnectorCommand):
    help = "Show a connector: state, schedule, collections and config (secrets masked)."
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("connector", help="Connector name or id.")

    def handle(self, *args, workspace, connector, **options):
        self.print_object(
            connector_detail(self.connector(self.workspace(workspace), connector)), options
        )
