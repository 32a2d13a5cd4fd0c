"""What leaves the service about a change (audit entries, webhook payloads): every value under a
secret-looking key masked, and the connector's own secret values redacted from every text."""

from connectors import credentials
from connectors.models import Connector
from registry.schema import secrets
from registry.schema.secrets import MASK, redact

SECRET_WORDS = ("password", "secret", "token", "credential", "authorization", "auth_header")
SECRET_NAMES = {"key", "api_key", "apikey", "private_key", "access_key", "account_key"}


def is_secret_name(name: str) -> bool:
    lowered = str(name).lower()
    return lowered in SECRET_NAMES or any(word in lowered for word in SECRET_WORDS)


def masked(value, secret_values: list[str] = ()):
    if isinstance(value, dict):
        return {
            key: MASK
            if is_secret_name(key) and item not in (None, "")
            else masked(item, secret_values)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [masked(item, secret_values) for item in value]
    if isinstance(value, str) and secret_values:
        return redact(value, list(secret_values))
    return value


def connector_secret_values(connector_id) -> list[str]:
    """The clear secret strings of a connector (deleted ones included), to redact them."""
    connector = (
        Connector.all_objects.select_related("definition", "credential")
        .filter(pk=connector_id)
        .first()
        if connector_id
        else None
    )
    if connector is None:
        return []
    layout = secrets.secret_layout(connector.definition.ui_spec)
    return secrets.secret_values(layout, credentials.full_config(connector))
