from tenancy import selectors as tenancy_selectors
from tenancy import services
from tenancy.management.base import WorkspaceCommand


class Command(WorkspaceCommand):
    help = "Delete a collection; its connectors are dissociated and stay in the workspace."

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("collection", help="Collection id.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, workspace, collection, **options):
        target = tenancy_selectors.collection_in_workspace(self.workspace(workspace), collection)
        self.confirm(f"Delete collection {target.name}?", options)
        services.collection_delete(actor=None, collection=target)
        self.stdout.write(f"Deleted collection {target.name}.")
