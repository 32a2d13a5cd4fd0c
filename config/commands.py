"""What every Connector Hub command shares: one error line and exit 1 on failure, aligned tables
or ``--json``, reading JSON from files or standard input, confirming a deletion."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from config.errors import DomainError


class HubCommand(BaseCommand):
    #: Listing and show commands print ``--json`` on request.
    json_output = False

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.error = _one_line_error(parser)
        if self.json_output:
            parser.add_argument("--json", action="store_true", help="Print machine-readable JSON.")
        return parser

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except DomainError as error:
            raise CommandError(getattr(error, "message", str(error))) from None

    # Output

    def print_json(self, data) -> None:
        self.stdout.write(json.dumps(data, indent=2, cls=DjangoJSONEncoder, ensure_ascii=False))

    def print_table(self, rows: list[dict], columns: list[str]) -> None:
        if not rows:
            self.stdout.write("(none)")
            return
        cells = [[_cell(row.get(column)) for column in columns] for row in rows]
        widths = [max(len(column), *(len(r[i]) for r in cells)) for i, column in enumerate(columns)]
        self.stdout.write(
            "  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()
        )
        for row in cells:
            self.stdout.write(
                "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            )

    def print_rows(self, rows: list[dict], columns: list[str], options) -> None:
        if options.get("json"):
            self.print_json(rows)
        else:
            self.print_table(rows, columns)

    def print_object(self, data: dict, options, *, skip=()) -> None:
        if options.get("json"):
            self.print_json(data)
            return
        width = max(len(k) for k in data)
        for key, value in data.items():
            if key in skip:
                continue
            if isinstance(value, dict | list):
                value = json.dumps(value, indent=2, cls=DjangoJSONEncoder, ensure_ascii=False)
                value = value.replace("\n", "\n" + " " * (width + 2))
            self.stdout.write(f"{key.ljust(width)}  {_cell(value)}")

    # Input

    def read_json(self, source: str, *, what: str) -> dict:
        """A JSON object from a file path, or from standard input when ``source`` is ``-``."""
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text()
        except OSError as error:
            raise CommandError(f"Cannot read {what} from {source}: {error.strerror}.") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"The {what} is not valid JSON (line {error.lineno}).") from None
        if not isinstance(data, dict):
            raise CommandError(f"The {what} must be a JSON object.")
        return data

    def confirm(self, prompt: str, options) -> None:
        if options.get("yes"):
            return
        if not sys.stdin.isatty():
            raise CommandError("Refusing to delete without confirmation: pass --yes.")
        answer = input(f"{prompt} [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            raise CommandError("Cancelled.")


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="seconds")
    return str(value)


def _one_line_error(parser):
    """A usage mistake on the command line (a missing or bad option) is one line and exit 1, as
    every other failure of these commands; ``call_command`` still gets a ``CommandError``."""
    django_error = parser.error

    def error(message):
        if parser.called_from_command_line:
            parser.exit(1, f"{parser.prog}: {message} (see --help)\n")
        django_error(message)

    return error
