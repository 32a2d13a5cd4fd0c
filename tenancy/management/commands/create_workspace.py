from tenancy import services
from tenancy.management.base import WorkspaceCommand
from tenancy.management.presenters import workspace_row


class Command(WorkspaceCommand):
    help = "Create a workspace (its slug names it in URLs and commands)."
    json_output = True

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Unique slug: lower-case letters, digits and dashes.")
        parser.add_argument("--name", help="Display name (default: the slug).")

    def handle(self, *args, slug, name, **options):
        workspace = services.workspace_create(actor=None, name=name or slug, slug=slug)
        self.print_object(workspace_row(workspace), options)
