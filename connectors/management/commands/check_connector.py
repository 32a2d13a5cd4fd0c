from django.core.management.base import CommandError

from connectors import credentials
from connectors.connection_checks import run_check
from connectors.management.base import ConnectorCommand


class Command(ConnectorCommand):
    help = "Run the connector's check against its source now and print the outcome."

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("connector", help="Connector name or id.")
        parser.add_argument("--timeout", type=float, default=60, help="Seconds (default 60).")

    def handle(self, *args, workspace, connector, timeout, **options):
        target = self.connector(self.workspace(workspace), connector)
        error = run_check(target.definition, credentials.full_config(target), timeout=timeout)
        if error:
            raise CommandError(f"{target.name}: check failed: {error}")
        self.stdout.write(f"{target.name}: check passed.")
