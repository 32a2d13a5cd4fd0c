"""What the commands that name a workspace share."""

from django.core.management.base import CommandError

from config.commands import HubCommand
from tenancy.models import Workspace


class WorkspaceCommand(HubCommand):
    @staticmethod
    def add_workspace_argument(parser) -> None:
        parser.add_argument("--workspace", required=True, metavar="SLUG", help="Workspace slug.")

    @staticmethod
    def workspace(slug: str) -> Workspace:
        workspace = Workspace.objects.filter(slug=slug).first()
        if workspace is None:
            raise CommandError(f"Workspace {slug!r} does not exist.")
        return workspace
