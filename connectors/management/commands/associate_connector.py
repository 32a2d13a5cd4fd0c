from connectors import selectors, services
from connectors.management.base import HubCommand


class Command(HubCommand):
    help = "Attach a connector to a collection (an imed connector syncs at once)."

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("connector", help="Connector name or id.")
        parser.add_argument("--collection", required=True, metavar="ID")

    def handle(self, *args, workspace, connector, collection, **options):
        target = self.workspace(workspace)
        found = self.connector(target, connector)
        chosen = selectors.collection_in_workspace(target, collection)
        services.connector_associate(actor=None, connector=found, collection=chosen)
        self.stdout.write(f"{found.name} is in collection {chosen.name}.")
