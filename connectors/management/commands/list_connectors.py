from connectors import selectors
from connectors.lifecycle import State
from connectors.management.base import ConnectorCommand
from connectors.management.presenters import connector_row
from tenancy import selectors as tenancy_selectors


class Command(ConnectorCommand):
    help = "List the connectors of a workspace."
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("--state", choices=State.values)
        parser.add_argument("--type", help="Only this connector_id.")
        parser.add_argument("--name-contains", metavar="TEXT")
        parser.add_argument(
            "--collection", metavar="ID", help="Only connectors in this collection."
        )

    def handle(self, *args, workspace, state, type, name_contains, collection, **options):
        target = self.workspace(workspace)
        connectors = selectors.connectors_in(target).order_by("name")
        if state:
            connectors = connectors.filter(state=state)
        if type:
            connectors = connectors.filter(definition__connector_id=type)
        if name_contains:
            connectors = connectors.filter(name__icontains=name_contains)
        if collection:
            connectors = connectors.filter(
                associations__collection=tenancy_selectors.collection_in_workspace(
                    target, collection
                )
            )
        rows = [connector_row(c) for c in connectors]
        self.print_rows(rows, ["name", "type", "state", "schedule", "id"], options)
