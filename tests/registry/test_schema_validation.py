"""Config validation against a definition's schema (Draft 7 and 2020-12): errors by dotted path
in plain words that never repeat the value, defaults applied, JS regex literals understood."""

import copy
import json

import pytest

from config.errors import InvalidInput
from registry.schema.validation import schema_problem, translate_pattern, validate_config
from registry.sources.installed import KINDS_DIR
from tests.registry.specs import DRAFT_2020, REGISTRY_002

SECRET = "S3cr3t-value-Zq9"


def errors_of(spec, config) -> dict:
    with pytest.raises(InvalidInput) as raised:
        validate_config(spec, config)
    return raised.value.errors


def _pg_config(**connection):
    return {
        "connector_config": {
            "databaseType": "PostgreSQL",
            "connection_info": {
                "host": "db.example.com",
                "port": 5432,
                "name": "shop",
                "username": "reader",
                "password": SECRET,
                **connection,
            },
            "schemaInfo": {"table": "orders", "timestampColumn": "updated_at"},
        },
        "operations_config": {"pollingInterval": "Periodic", "schedule": "Daily"},
    }


def test_the_002_spec_accepts_a_valid_config_and_fills_defaults():
    config = validate_config(REGISTRY_002, _pg_config())
    assert config["operations_config"]["batch_size"] == 100
    assert config["operations_config"]["max_batches"] == 10


def test_the_stored_spec_stays_verbatim_while_js_regex_literals_are_understood():
    before = copy.deepcopy(REGISTRY_002)
    for host in ("db.example.com", "localhost", "10.1.2.3"):
        validate_config(REGISTRY_002, _pg_config(host=host))
    errors = errors_of(REGISTRY_002, _pg_config(host="no spaces allowed!"))
    assert list(errors) == ["connector_config.connection_info.host"]
    assert before == REGISTRY_002
    host = REGISTRY_002["schema"]["properties"]["connector_config"]["dependencies"]["databaseType"]
    assert host["oneOf"][0]["properties"]["connection_info"]["properties"]["host"][
        "pattern"
    ].startswith("/^")


@pytest.mark.parametrize(
    "literal, python",
    [("/^a+$/", "^a+$"), ("/^abc$/i", "(?i)^abc$"), ("/x/gm", "(?m)x"), ("^plain$", "^plain$")],
)
def test_translate_pattern(literal, python):
    assert translate_pattern(literal) == python


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"port": 70000}, "connector_config.connection_info.port", "Must be at most 65535."),
        ({"port": 0}, "connector_config.connection_info.port", "Must be at least 1."),
        ({"port": "5432"}, "connector_config.connection_info.port", "Must be a number."),
        (
            {"name": "bad name!"},
            "connector_config.connection_info.name",
            "Does not have the expected format.",
        ),
    ],
)
def test_errors_name_the_field_in_plain_words(change, field, message):
    errors = errors_of(REGISTRY_002, _pg_config(**change))
    assert any(m.startswith(message) for m in errors[field]), errors


def test_missing_required_fields_are_reported_at_their_own_path():
    builtin = json.loads((KINDS_DIR / "postgres_connector" / "ui-config.json").read_text())
    config = _pg_config()
    del config["connector_config"]["connection_info"]["username"]
    del config["operations_config"]["schedule"]
    errors = errors_of(builtin, config)
    assert errors["connector_config.connection_info.username"] == ["This field is required."]
    assert errors["operations_config.schedule"] == ["This field is required."]


def test_an_enum_error_lists_the_choices_and_never_the_value():
    errors = errors_of(
        REGISTRY_002, _pg_config() | {"operations_config": {"pollingInterval": SECRET}}
    )
    assert errors["operations_config.pollingInterval"][0] == "Must be one of: Once, Periodic."
    assert SECRET not in str(errors)


def test_no_message_repeats_the_submitted_value():
    bad = [SECRET, 10**12, [SECRET], {"x": SECRET}]
    spec = {
        "schema": {
            "type": "object",
            "properties": {
                "a": {"type": "integer"},
                "b": {"type": "string", "maxLength": 3, "pattern": "^x$"},
                "c": {"type": "string", "format": "email"},
                "d": {"enum": ["x"]},
                "e": {"const": "x"},
                "f": {"type": "array", "maxItems": 0},
                "g": {"type": "object", "additionalProperties": False},
                "h": {"not": {"type": "string"}},
            },
        }
    }
    for value in bad:
        config = {key: value for key in "abcdefgh"}
        errors = errors_of(spec, config)
        assert errors and SECRET not in str(errors)


def test_draft_2020_if_then_else_dependent_required_and_defs():
    good = {
        "endpoint": "https://api.example.com",
        "mode": "basic",
        "username": "al",
        "password": "pw",
    }
    config = validate_config(DRAFT_2020, good)
    assert config["retries"] == 3
    errors = errors_of(DRAFT_2020, {"endpoint": "https://x", "mode": "token"})
    assert errors == {"token": ["This field is required."]}
    errors = errors_of(DRAFT_2020, {**good, "proxy_user": "p"})
    assert errors == {"proxy_password": ["This field is required when proxy_user is set."]}
    errors = errors_of(DRAFT_2020, {**good, "endpoint": "ftp://x"})
    assert list(errors) == ["endpoint"]
    errors = errors_of(DRAFT_2020, {**good, "username": "a"})
    assert errors == {"username": ["Must be at least 2 characters long."]}


def test_draft_7_dependencies_in_both_forms_and_2019_keywords_without_a_schema_uri():
    spec = {
        "schema": {
            "type": "object",
            "properties": {
                "a": {"type": "string"},
                "b": {"type": "string"},
                "c": {"type": "string"},
            },
            "dependencies": {"a": ["b"]},
            "dependentRequired": {"c": ["a"]},
            "dependentSchemas": {"b": {"properties": {"c": {"default": "filled"}}}},
        }
    }
    assert errors_of(spec, {"a": "x"}) == {"b": ["This field is required when a is set."]}
    assert errors_of(spec, {"b": "x", "c": "y"}) == {"a": ["This field is required when c is set."]}
    assert validate_config(spec, {"a": "x", "b": "y"})["c"] == "filled"


def test_one_of_and_any_of_report_the_closest_branch():
    spec = {
        "schema": {
            "type": "object",
            "properties": {
                "auth": {
                    "oneOf": [
                        {
                            "properties": {"kind": {"const": "key"}, "key": {"type": "string"}},
                            "required": ["kind", "key"],
                        },
                        {
                            "properties": {"kind": {"const": "basic"}, "user": {"type": "string"}},
                            "required": ["kind", "user"],
                        },
                    ]
                },
                "size": {"anyOf": [{"type": "integer", "minimum": 1}, {"enum": ["auto"]}]},
            },
        }
    }
    assert errors_of(spec, {"auth": {"kind": "basic"}}) == {
        "auth.user": ["This field is required."]
    }
    assert validate_config(spec, {"auth": {"kind": "key", "key": "k"}, "size": "auto"})
    assert "size" in errors_of(spec, {"size": 0})


def test_schema_problem_uses_the_dialect_of_the_spec():
    assert schema_problem({"type": "object"}) is None
    assert schema_problem(REGISTRY_002["schema"]) is None
    assert schema_problem(DRAFT_2020["schema"]) is None
    assert "objekt" in schema_problem({"type": "objekt"})
    assert schema_problem({"properties": {"a": {"pattern": "(open"}}}) is not None
    assert schema_problem(["not", "an", "object"]) == "must be a JSON object."


def test_a_config_nested_past_the_recursion_limit_is_invalid_input():
    deep = current = {}
    for _ in range(5000):
        current["a"] = {}
        current = current["a"]
    assert errors_of({"schema": {"type": "object"}}, deep) == {"config": ["Nested too deeply."]}
