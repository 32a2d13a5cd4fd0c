from connectors import selectors, services
from connectors.management.base import HubCommand


class Command(HubCommand):
    help = "Detach a connector from a collection (the connector stays in the workspace)."

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("connector", help="Connector name or id.")
        parser.add_argument("--collection", required=True, metavar="ID")

    def handle(self, *args, workspace, connector, collection, **options):
        target = self.workspace(workspace)
        found = self.connector(target, connector)
        chosen = selectors.collection_in_workspace(target, collection)
        if services.connector_dissociate(actor=None, connector=found, collection=chosen):
            self.stdout.write(f"{found.name} is no longer in collection {chosen.name}.")
        else:
            self.stdout.write(f"{found.name} was not in collection {chosen.name}.")
