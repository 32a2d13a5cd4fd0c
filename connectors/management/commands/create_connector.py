from connectors import services
from connectors.management.base import ConnectorCommand
from connectors.management.connector_args import (
    add_config_arguments,
    add_schedule_arguments,
    config_from_options,
    schedule_from_options,
)
from connectors.management.presenters import connector_detail
from registry import selectors
from tenancy import selectors as tenancy_selectors


class Command(ConnectorCommand):
    help = (
        "Create a connector. Its check runs in a worker; see show_connector for the state. "
        "Secrets come from --secrets-file or --secrets-stdin, never from the command line."
    )
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument(
            "--type", required=True, help="A connector_id (its Live version) or a registry id."
        )
        parser.add_argument("--name", required=True)
        parser.add_argument("--description", default="")
        add_config_arguments(parser)
        add_schedule_arguments(parser)
        parser.add_argument(
            "--collection",
            action="append",
            default=[],
            metavar="ID",
            help="Associate with this collection (repeatable).",
        )

    def handle(self, *args, workspace, type, name, description, collection, **options):
        target = self.workspace(workspace)
        connector = services.connector_create(
            actor=None,
            workspace=target,
            definition=selectors.definition_for_type(type),
            name=name,
            description=description,
            config=config_from_options(self, options) or {},
            schedule=schedule_from_options(options),
            collections=[
                tenancy_selectors.collection_in_workspace(target, pk) for pk in collection
            ],
        )
        self.print_object(connector_detail(connector), options)
