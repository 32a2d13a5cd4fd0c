"""Which config values are secret: the walk finds secret markings wherever a schema can declare a
property, and masking, splitting and restoring follow it."""

import json

import pytest

from registry.schema import secrets
from registry.sources.installed import kind_folders
from tests.registry.specs import AIRBYTE, DRAFT_2020, REGISTRY_002


def leaves(spec) -> set[str]:
    return {".".join(p) for p in secrets.secret_layout(spec).secret_leaves}


def sections(spec) -> set[str]:
    return {".".join(p) for p in secrets.secret_layout(spec).encrypted_sections}


def secret(**extra) -> dict:
    return {"type": "string", **extra}


@pytest.mark.parametrize(
    "schema, expected",
    [
        ({"properties": {"a": secret(writeOnly=True)}}, {"a"}),
        ({"properties": {"o": {"properties": {"a": secret(format="password")}}}}, {"o.a"}),
        (
            {
                "properties": {"t": {"type": "string"}},
                "dependencies": {"t": {"properties": {"a": secret(airbyte_secret=True)}}},
            },
            {"a"},
        ),
        ({"dependentSchemas": {"t": {"properties": {"a": secret(writeOnly=True)}}}}, {"a"}),
        (
            {"properties": {"o": {"oneOf": [{"properties": {"a": secret(writeOnly=True)}}]}}},
            {"o.a"},
        ),
        ({"anyOf": [{"properties": {"b": secret(writeOnly=True)}}]}, {"b"}),
        ({"allOf": [{"properties": {"c": secret(writeOnly=True)}}]}, {"c"}),
        (
            {
                "if": {"properties": {"m": {"const": 1}}},
                "then": {"properties": {"a": secret(writeOnly=True)}},
                "else": {"properties": {"b": secret(format="password")}},
            },
            {"a", "b"},
        ),
        ({"properties": {"keys": {"type": "array", "items": secret(writeOnly=True)}}}, {"keys"}),
        (
            {
                "properties": {
                    "rows": {
                        "type": "array",
                        "items": {"properties": {"pw": secret(writeOnly=True)}},
                    }
                }
            },
            {"rows"},
        ),
        (
            {
                "properties": {
                    "headers": {"type": "object", "additionalProperties": secret(writeOnly=True)}
                }
            },
            {"headers"},
        ),
        (
            {
                "properties": {"a": {"$ref": "#/definitions/pw"}},
                "definitions": {"pw": secret(writeOnly=True)},
            },
            {"a"},
        ),
        (
            {
                "properties": {"a": {"$ref": "#/$defs/pw"}},
                "$defs": {"pw": secret(airbyte_secret=True)},
            },
            {"a"},
        ),
    ],
    ids=[
        "writeOnly",
        "nested format",
        "dependencies",
        "dependentSchemas",
        "oneOf",
        "anyOf",
        "allOf",
        "if-then-else",
        "array items",
        "items objects",
        "additionalProperties",
        "ref definitions",
        "ref defs",
    ],
)
def test_the_walk_finds_secrets_wherever_they_are_declared(schema, expected):
    assert leaves({"schema": {"type": "object", **schema}}) == expected


def test_a_recursive_ref_does_not_loop():
    spec = {
        "schema": {
            "$ref": "#/definitions/node",
            "definitions": {
                "node": {
                    "properties": {
                        "next": {"$ref": "#/definitions/node"},
                        "pw": secret(writeOnly=True),
                    }
                }
            },
        }
    }
    assert "pw" in leaves(spec)


def test_ui_hints_mark_secrets_by_data_path():
    assert leaves(REGISTRY_002) == {"connector_config.connection_info.password"}
    assert sections(REGISTRY_002) == {"connector_config"}


def test_test_specs_layouts():
    assert leaves(AIRBYTE) == {
        "credentials.client_id",
        "credentials.access_token",
        "credentials.personal_access_token",
    }
    assert leaves(DRAFT_2020) == {"proxy_password", "password", "token"}


@pytest.mark.parametrize("folder", kind_folders(), ids=lambda f: f.name)
def test_every_builtin_spec_has_a_layout(folder):
    spec = json.loads((folder / "ui-config.json").read_text())
    layout = secrets.secret_layout(spec)
    assert () not in layout.secret_leaves


def test_mask_split_restore_round_trip():
    layout = secrets.secret_layout(DRAFT_2020)
    config = {
        "mode": "basic",
        "username": "al",
        "password": "pw-123456",
        "proxy_password": "pp-123456",
    }
    masked = secrets.mask(layout, config)
    assert masked["password"] == secrets.MASK and masked["username"] == "al"
    public, hidden = secrets.split(layout, config)
    assert "password" not in public and hidden == {
        "password": "pw-123456",
        "proxy_password": "pp-123456",
    }
    assert secrets.restore_masked(layout, masked, config) == config
    assert sorted(secrets.secret_values(layout, config)) == ["pp-123456", "pw-123456"]
    assert secrets.redact("pw-123456 failed", ["pw-123456"]) == f"{secrets.MASK} failed"
