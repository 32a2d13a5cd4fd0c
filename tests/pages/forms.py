"""What a browser without script submits for the connector page's forms."""

from connectors import credentials
from registry.schema.forms import config_form_class
from tests.registry.forms_helpers import post_data

PG_PASSWORD = "Pg-Page-Secret-81x"


def connector_post(definition, *, connector=None, action="save", schedule=None, **fields):
    """The connector page's POST body: the generated form's shown values (as a browser sends
    them, disabled fields left out) plus ``fields`` (config fields by dotted name, or ``name``,
    ``description``, ``collections``)."""
    shown = credentials.masked_config(connector) if connector else {}
    form = config_form_class(definition)(config=shown, prefix="config")
    config_fields = {k: v for k, v in fields.items() if "." in k or k.startswith("config:")}
    data = post_data(form, **{k.removeprefix("config:"): v for k, v in config_fields.items()})
    data.update(
        {
            "action": action,
            "name": fields.get("name", connector.name if connector else ""),
            "description": fields.get("description", ""),
            "schedule-type": "none",
            "schedule-timezone": "UTC",
            **{f"schedule-{key}": value for key, value in (schedule or {}).items()},
        }
    )
    if "collections" in fields:
        data["collections"] = [str(c.pk) for c in fields["collections"]]
    return data


def postgres_fields(port=5432, password=PG_PASSWORD, **extra):
    return {
        "connector_config.databaseType": "PostgreSQL",
        "connector_config.connection_info.host": "db.example.com",
        "connector_config.connection_info.port": str(port),
        "connector_config.connection_info.name": "shop",
        "connector_config.connection_info.username": "reader",
        "connector_config.connection_info.password": password,
        "connector_config.schemaInfo.table": "orders",
        "connector_config.schemaInfo.timestampColumn": "updated_at",
        **extra,
    }
