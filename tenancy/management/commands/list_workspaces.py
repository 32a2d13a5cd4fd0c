from tenancy.management.base import WorkspaceCommand
from tenancy.management.presenters import workspace_row
from tenancy.models import Workspace


class Command(WorkspaceCommand):
    help = "List every workspace with its slug, name and id."
    json_output = True

    def handle(self, *args, **options):
        rows = [workspace_row(w) for w in Workspace.objects.order_by("slug")]
        self.print_rows(rows, ["slug", "name", "id", "created_at"], options)
