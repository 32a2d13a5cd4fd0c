from tenancy import selectors as tenancy_selectors
from tenancy.management.base import WorkspaceCommand
from tenancy.management.presenters import collection_row
from tenancy.models import Collection


class Command(WorkspaceCommand):
    help = "List the collections of a workspace, or of one space."
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("--space", help="Only this space (id or name).")

    def handle(self, *args, workspace, space, **options):
        target = self.workspace(workspace)
        collections = Collection.objects.filter(space__workspace=target).select_related("space")
        if space:
            collections = collections.filter(
                space=tenancy_selectors.space_by_name_or_id(target, space)
            )
        rows = [collection_row(c) for c in collections.order_by("space__name", "name")]
        self.print_rows(rows, ["name", "space", "id", "created_at"], options)
