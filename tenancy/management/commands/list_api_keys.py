from tenancy.management.base import WorkspaceCommand
from tenancy.management.presenters import api_key_row


class Command(WorkspaceCommand):
    help = "List a workspace's API keys by prefix (the keys themselves are never stored)."
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("--all", action="store_true", help="Include revoked keys.")

    def handle(self, *args, workspace, all, **options):
        keys = self.workspace(workspace).api_keys.order_by("-created")
        if not all:
            keys = keys.filter(revoked=False)
        rows = [api_key_row(k) for k in keys]
        self.print_rows(
            rows,
            ["prefix", "name", "role", "registry", "revoked", "last_used_at", "created"],
            options,
        )
