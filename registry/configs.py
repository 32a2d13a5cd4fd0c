"""A connector config as a definition accepts it: what every entry point (API, pages, admin,
commands) stores goes through ``prepare``."""

from config.errors import InvalidInput
from registry.models import ConnectorDefinition
from registry.schema import secrets
from registry.schema.validation import validate_config
from registry.sources.installed import implementation


def prepare(definition: ConnectorDefinition, incoming: dict, stored: dict | None = None) -> dict:
    """Turn a submitted config into the config to store: masks replaced by stored secrets, the
    kind's own rules applied, defaults filled in and the schema checked."""
    if not isinstance(incoming, dict):
        raise InvalidInput({"config": ["Must be an object."]})
    layout = secrets.secret_layout(definition.ui_spec)
    config = secrets.restore_masked(layout, incoming, stored or {})
    config = implementation(definition.implementation).prepare_config(config)
    return validate_config(definition.ui_spec, config)
