from registry import selectors
from registry.management.base import DefinitionCommand
from registry.management.presenters import definition_row
from registry.models import DefinitionStatus


class Command(DefinitionCommand):
    help = "List connector definitions of the registry."
    json_output = True

    def add_arguments(self, parser):
        parser.add_argument(
            "--status", action="append", choices=DefinitionStatus.values, help="Repeatable."
        )
        parser.add_argument("--category", action="append", help="Repeatable.")

    def handle(self, *args, status, category, **options):
        rows = [definition_row(d) for d in selectors.definitions(status, category)]
        self.print_rows(rows, ["id", "name", "category", "status", "live_date"], options)
