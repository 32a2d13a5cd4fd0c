from django.core.management.base import CommandError

from tenancy import services
from tenancy.management.base import WorkspaceCommand


class Command(WorkspaceCommand):
    help = "Revoke an API key by its prefix (the part before the dot). This cannot be undone."

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("prefix")

    def handle(self, *args, workspace, prefix, **options):
        api_key = self.workspace(workspace).api_keys.filter(prefix=prefix.split(".")[0]).first()
        if api_key is None:
            raise CommandError(f"No API key with prefix {prefix!r} in workspace {workspace}.")
        services.api_key_revoke(actor=None, api_key=api_key)
        self.stdout.write(f"Revoked API key {api_key.prefix} ({api_key.name}).")
