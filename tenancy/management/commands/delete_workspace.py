from tenancy import services
from tenancy.management.base import WorkspaceCommand


class Command(WorkspaceCommand):
    help = "Delete a workspace that has no connectors left (its spaces and collections go with it)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, slug, **options):
        workspace = self.workspace(slug)
        self.confirm(f"Delete workspace {slug}?", options)
        services.workspace_delete(actor=None, workspace=workspace)
        self.stdout.write(f"Deleted workspace {slug}.")
