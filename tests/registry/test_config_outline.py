"""A connector's configuration read as a labelled list (``registry.schema.outline``), from
Airbyte's published source-postgres spec (tests/fixtures/airbyte_specs): titles as on the form,
the selected ``oneOf`` option by its title with only its own fields, secrets as Set / Not set."""

from registry.schema import secrets as secret_rules
from registry.schema.outline import config_outline
from tests.registry.spec_values import ui_spec

POSTGRES = ui_spec("source-postgres.json")


def flat(items, prefix=""):
    """``{"Section / Field": value}``; a section's own value (its choice) under its path."""
    shown = {}
    for item in items:
        if item.value:
            shown[prefix + item.title] = item.value
        shown.update(flat(item.children, f"{prefix}{item.title} / "))
    return shown


def test_fields_sections_choices_and_secrets_read_in_words():
    config = {
        "host": "db.internal",
        "port": 5432,
        "database": "shop",
        "schemas": ["public", "sales"],
        "username": "reader",
        "password": "hunter2-hunter2",
        "ssl_mode": {"mode": "verify-ca", "ca_certificate": "-----BEGIN...", "client_key": ""},
        "replication_method": {"method": "Standard"},
    }
    masked = secret_rules.mask(secret_rules.secret_layout(POSTGRES), config)
    shown = flat(config_outline(POSTGRES, masked))

    assert shown["Host"] == "db.internal" and shown["Port"] == "5432"
    assert shown["Schemas"] == "public, sales"
    assert shown["Password"] == "Set"
    assert "hunter2" not in repr(shown) and "BEGIN" not in repr(shown)
    assert shown["Security / SSL Modes"] == "verify-ca"  # the option chosen, as its section's value
    assert shown["Security / SSL Modes / CA certificate"] == "Set"  # a secret of that option
    assert shown["Security / SSL Modes / Client Key"] == "Not set"
    assert shown["Advanced / Replication Method"] == "Standard"


def test_an_unselected_option_s_fields_are_left_out():
    config = {
        "host": "h",
        "port": 5432,
        "database": "d",
        "username": "u",
        "ssl_mode": {"mode": "disable"},
        "replication_method": {"method": "Standard"},
    }
    shown = flat(config_outline(POSTGRES, config))
    assert shown["Security / SSL Modes"] == "disable"
    assert not any("certificate" in key.lower() for key in shown), shown
    assert shown["Password"] == "Not set"
