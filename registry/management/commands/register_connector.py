from pathlib import Path

from django.core.management.base import CommandError

from registry import services
from registry.management.base import DefinitionCommand
from registry.management.presenters import definition_row
from registry.models import DefinitionStatus


class Command(DefinitionCommand):
    help = (
        "Register connector types from a distribution file (.zip, .tar, .tar.gz, .tgz): published "
        "Live (retiring other Live versions of the same connector), or as a Draft with --draft."
    )
    json_output = True

    def add_arguments(self, parser):
        parser.add_argument("file", help="The distribution file.")
        parser.add_argument("--draft", action="store_true", help="Register without publishing.")

    def handle(self, *args, file, draft, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        definitions = services.definition_register(
            actor=None, data=data, filename=path.name, draft=draft
        )
        rows = [definition_row(d) for d in definitions]
        if options.get("json"):
            self.print_json(rows)
            return
        for definition in definitions:
            state = "as a Draft" if definition.status == DefinitionStatus.DRAFT else "and published"
            self.stdout.write(f"Registered {definition.registry_id} {state}.")
