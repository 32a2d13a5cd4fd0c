from tenancy import selectors as tenancy_selectors
from tenancy.management.base import WorkspaceCommand
from tenancy.management.presenters import space_row


class Command(WorkspaceCommand):
    help = "List the spaces of a workspace."
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)

    def handle(self, *args, workspace, **options):
        spaces = tenancy_selectors.spaces_in(self.workspace(workspace)).order_by("name")
        self.print_rows([space_row(s) for s in spaces], ["name", "id", "created_at"], options)
