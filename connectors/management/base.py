"""What the commands that name a connector share: its lookup, a credential no key opens as one
error line, and ``--set path=value`` pairs."""

import json

from django.core.management.base import CommandError

from config.crypto import DecryptionFailed
from connectors import selectors
from tenancy import selectors as tenancy_selectors
from tenancy.management.base import WorkspaceCommand
from tenancy.models import Workspace


class ConnectorCommand(WorkspaceCommand):
    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except DecryptionFailed as error:
            raise CommandError(str(error)) from None

    @staticmethod
    def connector(workspace: Workspace, name_or_id: str):
        return selectors.connector_by_name_or_id(workspace, name_or_id)


def parse_assignments(assignments: list[str]) -> dict:
    """``a.b=1`` pairs as a nested dict; values are JSON when they parse, else strings."""
    from registry.schema.secrets import set_path

    result: dict = {}
    for assignment in assignments or ():
        path, sep, raw = assignment.partition("=")
        if not sep or not path:
            raise CommandError(f"--set expects path=value, got {assignment!r}.")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        set_path(result, tuple(path.split(".")), value)
    return result


class CollectionMemberCommand(ConnectorCommand):
    """A connector and a collection of one workspace: what associating and dissociating name."""

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("connector", help="Connector name or id.")
        parser.add_argument("--collection", required=True, metavar="ID")

    def connector_and_collection(self, workspace: str, connector: str, collection: str):
        target = self.workspace(workspace)
        return (
            self.connector(target, connector),
            tenancy_selectors.collection_in_workspace(target, collection),
        )
