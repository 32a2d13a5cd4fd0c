from django.core.management.base import CommandError

from connectors import credentials, services
from connectors.management.base import ConnectorCommand
from connectors.management.connector_args import (
    add_config_arguments,
    add_schedule_arguments,
    config_from_options,
    schedule_from_options,
)
from connectors.management.presenters import connector_detail
from registry import selectors


class Command(ConnectorCommand):
    help = (
        "Change a connector's name, description, config or schedule. --set and the secrets "
        "options apply on top of the current config (secrets you do not send are kept); "
        "--config replaces the whole config. --type moves the connector to another kind: give "
        "that kind's whole config (--config, secrets from a file or standard input); nothing of "
        "the old config is kept."
    )
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("connector", help="Connector name or id.")
        parser.add_argument("--name")
        parser.add_argument("--description")
        parser.add_argument(
            "--type", help="Another connector_id (its Live version) or registry id."
        )
        add_config_arguments(parser)
        add_schedule_arguments(parser)

    def handle(self, *args, workspace, connector, name, description, type, **options):
        target = self.connector(self.workspace(workspace), connector)
        if type is not None:
            config = config_from_options(self, options)
            if config is None:
                raise CommandError("--type needs the new kind's config (--config).")
            target = services.connector_change_kind(
                actor=None,
                connector=target,
                definition=selectors.definition_for_type(type),
                config=config,
            )
            options = {**options, "config": None, "set": [], "secrets_file": None}
            options["secrets_stdin"] = False
        config = config_from_options(self, options, base=credentials.masked_config(target))
        changes = {"name": name, "description": description}
        updated = services.connector_update(
            actor=None,
            connector=target,
            config=config,
            schedule=schedule_from_options(options),
            **{field: value for field, value in changes.items() if value is not None},
        )
        self.print_object(connector_detail(updated), options)
