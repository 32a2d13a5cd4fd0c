from django.core.management.base import CommandError

from config.crypto import DecryptionFailed
from connectors import services
from connectors.management.base import ConnectorCommand
from webhooks.services import signing_secrets_rotate


class Command(ConnectorCommand):
    help = (
        "Re-encrypt every stored credential and webhook signing secret with the newest key of "
        "CONNECTOR_HUB_ENCRYPTION_KEYS. Put the new key first, keep the old ones after it, run "
        "this, then remove the old keys."
    )

    def handle(self, *args, **options):
        try:
            credentials = services.credentials_rotate(actor=None)
            webhook_secrets = signing_secrets_rotate()
        except DecryptionFailed as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Re-encrypted {credentials} credential(s) and {webhook_secrets} webhook signing "
            "secret(s) with the newest key."
        )
