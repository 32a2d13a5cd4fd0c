from django.core.management.base import BaseCommand, CommandError

from connectors import services
from connectors.crypto import DecryptionFailed


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored credential with the newest key of CONNECTOR_HUB_ENCRYPTION_KEYS. "
        "Put the new key first, keep the old ones after it, run this, then remove the old keys."
    )

    def handle(self, *args, **options):
        try:
            count = services.credentials_rotate(actor=None)
        except DecryptionFailed as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Re-encrypted {count} credential(s) with the newest key.")
