"""A connector's config as a whole: the clear part on the row, the secret part encrypted.

Every read of a config with secrets goes through here: ``full_config`` for readers (in workers),
``masked_config`` for everything a person or client sees.

The masked view is worked out once, when the config is written (``store``), and kept on the row
as JSON (``Connector.masked_config``): a read never decrypts the credential nor walks the
kind's spec, whatever the number of connectors it shows. Every write of a config or a credential
goes through ``store`` (create, edit, a move to another kind); the view holds masks only, never
a secret value. Rotating the encryption key changes no value, so the view stays.
"""

import json
from functools import lru_cache

import orjson

from config import crypto
from connectors.models import Connector, Credential
from registry.models import ConnectorDefinition
from registry.schema import secrets


def stored_secrets(connector: Connector) -> dict:
    try:
        credential = connector.credential
    except Credential.DoesNotExist:
        return {}
    return crypto.decrypt_json(credential.token)


def full_config(connector: Connector) -> dict:
    return secrets.deep_merge(connector.config or {}, stored_secrets(connector))


def layout_of(definition: ConnectorDefinition) -> secrets.SecretLayout:
    """The definition's secret layout, remembered on the definition object."""
    layout = definition.__dict__.get("_secret_layout")
    if layout is None:
        layout = definition.__dict__["_secret_layout"] = secrets.secret_layout(definition.ui_spec)
    return layout


@lru_cache(maxsize=4096)
def _masked_token(layout: secrets.SecretLayout, token: str) -> dict:
    return secrets.mask(layout, crypto.decrypt_json(token))


def masked_config(connector: Connector) -> dict:
    """The config a person or client sees: the stored view, else worked out from the row and
    its credential (a row written before the view existed)."""
    if connector.masked_config:
        return decode_view(connector.masked_config)
    return _work_out_masked(connector)


def _work_out_masked(connector: Connector) -> dict:
    layout = layout_of(connector.definition)
    try:
        token = connector.credential.token
    except Credential.DoesNotExist:
        token = None
    masked = secrets.json_copy(connector.config or {})
    if token:
        secrets.merge_into(masked, _masked_token(layout, token))
    # Secret leaves may also stand in the clear part (stored before the kind marked them).
    secrets.mask_in_place(layout, masked)
    return masked


def masked_view(layout: secrets.SecretLayout, config: dict) -> str:
    """The stored form of a whole config's masked view: compact JSON."""
    return json.dumps(
        secrets.mask(layout, config), separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def decode_view(text: str) -> dict:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # e.g. an integer past 64 bits, which json keeps
        return json.loads(text)


#: The connector's columns ``store`` sets, for the caller's ``save(update_fields=...)``.
STORED_FIELDS = ("config", "masked_config")


def store(connector: Connector, config: dict) -> None:
    """Split a prepared config onto the connector row and its encrypted credential, and keep
    its masked view (the caller saves ``STORED_FIELDS`` of the connector inside its
    transaction)."""
    layout = secrets.secret_layout(connector.definition.ui_spec)
    public, secret = secrets.split(layout, config)
    connector.config = public
    connector.masked_config = masked_view(layout, config)
    if secret:
        Credential.objects.update_or_create(
            connector=connector, defaults={"token": crypto.encrypt_json(secret)}
        )
    else:
        Credential.objects.filter(connector=connector).delete()
