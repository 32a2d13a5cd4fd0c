"""A connector's config as a whole: the clear part on the row, the secret part encrypted.

Every read of a config with secrets goes through here: ``full_config`` for readers (in workers),
``masked_config`` for everything a person or client sees.
"""

from connectors import crypto
from connectors.errors import InvalidInput
from connectors.models import Connector, ConnectorDefinition, Credential
from connectors.schema import secrets
from connectors.schema.validation import validate_config
from connectors.sources.registry import implementation


def stored_secrets(connector: Connector) -> dict:
    try:
        credential = connector.credential
    except Credential.DoesNotExist:
        return {}
    return crypto.decrypt_json(credential.token)


def full_config(connector: Connector) -> dict:
    return secrets.deep_merge(connector.config or {}, stored_secrets(connector))


def masked_config(connector: Connector) -> dict:
    layout = secrets.secret_layout(connector.definition.ui_spec)
    return secrets.mask(layout, full_config(connector))


def prepare(definition: ConnectorDefinition, incoming: dict, stored: dict | None = None) -> dict:
    """Turn a submitted config into the config to store: masks replaced by stored secrets, the
    kind's own rules applied, defaults filled in and the schema checked."""
    if not isinstance(incoming, dict):
        raise InvalidInput({"config": ["Must be an object."]})
    layout = secrets.secret_layout(definition.ui_spec)
    config = secrets.restore_masked(layout, incoming, stored or {})
    config = implementation(definition.implementation).prepare_config(config)
    return validate_config(definition.ui_spec, config)


def store(connector: Connector, config: dict) -> None:
    """Split a prepared config onto the connector row and its encrypted credential (the caller
    saves the connector inside its transaction)."""
    layout = secrets.secret_layout(connector.definition.ui_spec)
    public, secret = secrets.split(layout, config)
    connector.config = public
    if secret:
        Credential.objects.update_or_create(
            connector=connector, defaults={"token": crypto.encrypt_json(secret)}
        )
    else:
        Credential.objects.filter(connector=connector).delete()
