from django.core.management.base import CommandError

from config.errors import DomainError
from tenancy import services
from tenancy.management.base import WorkspaceCommand
from tenancy.models import ApiKeyRole, Workspace


class Command(WorkspaceCommand):
    help = "Create an API key for a workspace and print it (alone, on the last line)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--workspace", required=True, metavar="SLUG", help="The workspace slug."
        )
        parser.add_argument(
            "--create-workspace",
            action="store_true",
            help="Create the workspace when it does not exist.",
        )
        parser.add_argument(
            "--role",
            choices=ApiKeyRole.values,
            default=ApiKeyRole.ADMIN,
            help="Key role (default admin).",
        )
        parser.add_argument(
            "--registry",
            action="store_true",
            help="Also let the key write the global connector registry.",
        )
        parser.add_argument("--name", default="cli", help="A name to recognise the key by.")

    def handle(self, *args, workspace, create_workspace, role, registry, name, **options):
        try:
            target = Workspace.objects.filter(slug=workspace).first()
            if target is None:
                if not create_workspace:
                    raise CommandError(
                        f"Workspace {workspace!r} does not exist (pass --create-workspace to create it)."
                    )
                target = services.workspace_create(actor=None, name=workspace, slug=workspace)
                self.stderr.write(f"Created workspace {workspace}.")
            api_key, raw_key = services.api_key_create(
                actor=None, workspace=target, name=name, role=role, registry=registry
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stderr.write(
            f"API key {api_key.prefix} ({role}) for workspace {target.slug}; shown once:"
        )
        self.stdout.write(raw_key)
