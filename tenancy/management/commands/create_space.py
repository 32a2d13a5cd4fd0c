from tenancy import services
from tenancy.management.base import WorkspaceCommand
from tenancy.management.presenters import space_row


class Command(WorkspaceCommand):
    help = "Create a space in a workspace."
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("name")
        parser.add_argument("--description", default="")

    def handle(self, *args, workspace, name, description, **options):
        space = services.space_create(
            actor=None, workspace=self.workspace(workspace), name=name, description=description
        )
        self.print_object(space_row(space), options)
