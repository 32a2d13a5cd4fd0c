from tenancy import selectors as tenancy_selectors
from tenancy import services
from tenancy.management.base import WorkspaceCommand


class Command(WorkspaceCommand):
    help = "Delete an empty space (delete its collections first)."

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("space", help="Space id or name.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, workspace, space, **options):
        target = tenancy_selectors.space_by_name_or_id(self.workspace(workspace), space)
        self.confirm(f"Delete space {target.name}?", options)
        services.space_delete(actor=None, space=target)
        self.stdout.write(f"Deleted space {target.name}.")
