"""Arguments shared by the commands that write a connector's config and schedule."""

from django.core.management.base import CommandError

from connectors import schedules
from connectors.management.base import parse_assignments
from connectors.models import ScheduleType
from registry.schema.secrets import deep_merge


def add_config_arguments(parser) -> None:
    parser.add_argument("--config", metavar="FILE", help="Config as a JSON file ('-' for stdin).")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="Set one non-secret config value, e.g. --set operations_config.batch_size=500.",
    )
    secrets = parser.add_mutually_exclusive_group()
    secrets.add_argument(
        "--secrets-file",
        metavar="FILE",
        help="Secret values as a JSON object, deep-merged into the config.",
    )
    secrets.add_argument(
        "--secrets-stdin",
        action="store_true",
        help="Read the secret values (a JSON object) from standard input.",
    )


def add_schedule_arguments(parser) -> None:
    parser.add_argument(
        "--schedule",
        choices=[t.value for t in ScheduleType],
        help="imed (sync when associated), cron, when (one date), once (each start) or none. "
        "Default: what the config implies (pollingInterval, runMode).",
    )
    parser.add_argument("--schedule-value", help="The cron expression or the ISO date(-time).")
    parser.add_argument("--timezone", default="UTC", help="Timezone of the schedule (default UTC).")


def config_from_options(command, options, base: dict | None = None) -> dict | None:
    """The config to submit, or None when no config option was given."""
    given = (
        options.get("config")
        or options.get("set")
        or options.get("secrets_file")
        or options.get("secrets_stdin")
    )
    if not given:
        return None
    if options.get("config") == "-" and options.get("secrets_stdin"):
        raise CommandError("--config - and --secrets-stdin cannot both read standard input.")
    config = (
        command.read_json(options["config"], what="config")
        if options.get("config")
        else dict(base or {})
    )
    config = deep_merge(config, parse_assignments(options.get("set")))
    if options.get("secrets_file"):
        config = deep_merge(config, command.read_json(options["secrets_file"], what="secrets"))
    if options.get("secrets_stdin"):
        config = deep_merge(config, command.read_json("-", what="secrets"))
    return config


def schedule_from_options(options) -> schedules.Schedule | None:
    kind, value, timezone = (
        options.get("schedule"),
        options.get("schedule_value"),
        options.get("timezone"),
    )
    if not kind:
        if value:
            raise CommandError("--schedule-value needs --schedule.")
        return None
    if kind in ("imed", "cron", "when"):
        return schedules.from_scheduler(kind, value, timezone or "UTC")
    return schedules.Schedule(kind, timezone=timezone or "UTC")
