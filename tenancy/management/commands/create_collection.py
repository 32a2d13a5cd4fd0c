from tenancy import selectors as tenancy_selectors
from tenancy import services
from tenancy.management.base import WorkspaceCommand
from tenancy.management.presenters import collection_row


class Command(WorkspaceCommand):
    help = "Create a collection in a space."
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("--space", required=True, help="Space id or name.")
        parser.add_argument("name")
        parser.add_argument("--description", default="")

    def handle(self, *args, workspace, space, name, description, **options):
        target = tenancy_selectors.space_by_name_or_id(self.workspace(workspace), space)
        collection = services.collection_create(
            actor=None, space=target, name=name, description=description
        )
        self.print_object(collection_row(collection), options)
