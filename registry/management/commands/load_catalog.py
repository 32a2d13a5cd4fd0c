from django.core.management.base import CommandError

from registry import services
from registry.management.base import DefinitionCommand


class Command(DefinitionCommand):
    help = (
        "Register the built-in connector kinds (registry/kinds/*) that are missing from the "
        "registry. Idempotent: existing versions and their statuses are never changed."
    )

    def handle(self, *args, **options):
        result = services.catalog_load(actor=None)
        for definition in result.created:
            self.stdout.write(f"Created {definition.registry_id} ({definition.status}).")
        for definition in result.changed:
            self.stderr.write(
                f"{definition.registry_id} is already registered and its kind folder now differs; "
                "give the kind a new version to publish the change."
            )
        self.stdout.write(
            f"{len(result.created)} created, {len(result.existing)} already registered."
        )
        if result.errors:
            for folder, message in result.errors:
                self.stderr.write(f"registry/kinds/{folder}: {message}")
            raise CommandError(f"{len(result.errors)} kind folder(s) could not be loaded.")
