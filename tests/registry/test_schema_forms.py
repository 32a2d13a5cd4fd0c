"""Forms generated from ui_specs: every spec renders, values round-trip, labels are tied to inputs,
conditional sections work with and without script, errors land on their fields, and stored
secrets are never shown."""

import json

import pytest
from lxml import html as lxml_html

from registry.schema import secrets
from registry.schema.forms import ROOT_FIELD, config_form_class
from registry.schema.validation import validate_config
from registry.sources.installed import kind_folders
from tests.leaks import Secrets
from tests.registry.forms_helpers import condition_holds, definition_for, post_data, sample_value
from tests.registry.specs import AIRBYTE, DRAFT_2020, REGISTRY_002

BUILTIN = {f.name: json.loads((f / "ui-config.json").read_text()) for f in kind_folders()}
SPECS = {**BUILTIN, "registry_002": REGISTRY_002, "airbyte": AIRBYTE, "draft_2020": DRAFT_2020}
SECRET = "Stored-S3cret-pw-77"
NEW_SECRET = "Typed-N3w-secret-88"


def form_class(name_or_spec):
    spec = SPECS[name_or_spec] if isinstance(name_or_spec, str) else name_or_spec
    return config_form_class(definition_for(spec))


def pg_config(**connection):
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
        "operations_config": {"batch_size": 100, "max_batches": 10, "pollingInterval": "Once"},
    }


def controls_without_label(page: str) -> list[str]:
    tree = lxml_html.fromstring(f"<form>{page}</form>")
    missing = []
    for control in tree.xpath("//input[not(@type='hidden')] | //select | //textarea"):
        control_id = control.get("id")
        labelled = control_id and tree.xpath(f'//label[@for="{control_id}"]')
        wrapped = any(a.tag == "label" for a in control.iterancestors())
        if not (labelled or wrapped):
            missing.append(control.get("name"))
    return missing


@pytest.mark.parametrize("name", SPECS)
def test_every_spec_renders_with_labels_tied_to_inputs(name):
    form = form_class(name)()
    page = str(form)
    assert "data-schema-form" in page and "js/schema-form.js" in page
    assert "<script>" not in page  # no inline script
    assert controls_without_label(page) == []
    # Every declared property is a field, a fieldset, or inside a JSON field.
    names = set(form.fields)
    from registry.schema.walk import property_nodes

    for path, _ in property_nodes(SPECS[name]["schema"]):
        dotted = ".".join(p for p in path if p != "*")
        covered = (
            dotted in names
            or any(n.startswith(dotted + ".") for n in names)
            or any(dotted.startswith(n + ".") for n in names)
            or ROOT_FIELD in names
        )
        assert covered, f"{dotted} is not rendered"


@pytest.mark.parametrize("name", SPECS)
def test_form_config_form_round_trip_gives_the_same_values(name):
    Form = form_class(name)
    leaves = [n for n in Form.layout.walk() if n.leaf]
    config = {}
    for node in leaves:
        value = sample_value(node.leaf)
        if node.path:
            secrets.set_path(config, node.path, value)
        else:
            config = value
    for node in Form.layout.walk():  # what does not apply is not part of the config
        if node.condition and node.path and not condition_holds(node.condition, config):
            secrets.pop_path(config, node.path)
    typed = {n.leaf.name: secrets.get_path(config, n.path) for n in leaves if n.leaf.secret}

    shown = Form(config=config)
    submitted = Form(data=post_data(shown, **typed), config=config)  # as an edit page does
    submitted.is_valid()
    assert submitted.packed == config

    again = Form(config=submitted.packed)
    assert post_data(again, **typed) == post_data(shown, **typed)


def test_a_valid_config_round_trips_through_validation_and_keeps_the_stored_password():
    Form = form_class("postgres_connector")
    stored = validate_config(BUILTIN["postgres_connector"], pg_config())
    shown = Form(config=stored, stored=stored)
    page = str(shown)
    Secrets(SECRET).assert_not_in_text(page, where="the edit form")
    assert "A value is stored: leave blank to keep it." in page
    form = Form(data=post_data(shown), config=stored, stored=stored)
    assert form.is_valid(), form.errors
    assert form.config == stored


def test_a_typed_password_replaces_the_stored_one():
    Form = form_class("postgres_connector")
    stored = validate_config(BUILTIN["postgres_connector"], pg_config())
    shown = Form(config=stored, stored=stored)
    data = post_data(shown, **{"connector_config.connection_info.password": NEW_SECRET})
    form = Form(data=data, config=stored, stored=stored)
    assert form.is_valid(), form.errors
    assert form.config["connector_config"]["connection_info"]["password"] == NEW_SECRET


def test_a_blank_password_without_a_stored_one_is_required_on_its_field():
    Form = form_class("postgres_connector")
    config = pg_config()
    del config["connector_config"]["connection_info"]["password"]
    form = Form(data=post_data(Form(config=config)))
    assert not form.is_valid()
    assert form.errors["connector_config.connection_info.password"] == ["This field is required."]


def test_conditional_sections_carry_show_when_attributes():
    page = str(form_class("postgres_connector")())
    tree = lxml_html.fromstring(page)
    [connection] = tree.xpath('//fieldset[@data-section="connector_config.connection_info"]')
    assert connection.get("data-show-when") == "connector_config.databaseType"
    assert json.loads(connection.get("data-show-values")) == ["PostgreSQL", "MySQL"]
    [schedule] = tree.xpath('//*[@data-show-when="operations_config.pollingInterval"]')
    assert json.loads(schedule.get("data-show-values")) == ["Periodic"]
    assert schedule.xpath('.//select[@name="operations_config.schedule"]')


def test_the_002_spec_shows_connection_fields_for_either_database_type():
    tree = lxml_html.fromstring(str(form_class("registry_002")()))
    [connection] = tree.xpath('//fieldset[@data-section="connector_config.connection_info"]')
    assert json.loads(connection.get("data-show-values")) == ["PostgreSQL", "MySQL"]
    assert tree.xpath(
        '//input[@name="connector_config.connection_info.password"][@type="password"]'
    )
    # Read-only in the spec: shown as text, not as a disabled input that looks editable.
    assert not tree.xpath('//*[@name="operations_config.batch_size"]')
    [shown] = tree.xpath('//span[@id="id_operations_config.batch_size"]')
    assert shown.get("class") == "readonly-value" and shown.text.strip()


def test_without_script_the_server_drops_what_does_not_apply():
    Form = form_class("postgres_connector")
    data = post_data(
        Form(config=pg_config()), **{"connector_config.connection_info.password": "pw-123456"}
    )
    data["operations_config.schedule"] = (
        "Daily"  # shown without script, but pollingInterval is Once
    )
    form = Form(data=data)
    assert form.is_valid(), form.errors
    assert "schedule" not in form.config["operations_config"]


def test_a_required_field_of_a_chosen_branch_is_checked_on_the_server():
    Form = form_class("postgres_connector")
    data = post_data(
        Form(config=pg_config()), **{"connector_config.connection_info.password": "pw-123456"}
    )
    data["operations_config.pollingInterval"] = "Periodic"
    form = Form(data=data)
    assert not form.is_valid()
    assert form.errors["operations_config.schedule"] == ["This field is required."]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("connector_config.connection_info.port", "70000", "Must be at most 65535."),
        ("connector_config.connection_info.port", "abc", "Enter a number."),
        ("connector_config.connection_info.host", "", "This field is required."),
        ("connector_config.schemaInfo.table", "no spaces", "Must have the format a letter"),
        ("connector_config.databaseType", "Oracle", "Select one of the offered choices."),
    ],
)
def test_errors_land_on_the_field_they_concern(field, value, message):
    Form = form_class("postgres_connector")
    data = post_data(
        Form(config=pg_config()), **{"connector_config.connection_info.password": "pw-123456"}
    )
    data[field] = value
    form = Form(data=data)
    assert not form.is_valid()
    assert [m for m in form.errors[field] if m.startswith(message)], form.errors
    assert not form.non_field_errors()
    if value:
        assert value not in json.dumps(form.errors)


def test_a_readonly_field_is_shown_but_not_editable():
    Form = form_class("postgres_connector")
    data = post_data(
        Form(config=pg_config()), **{"connector_config.connection_info.password": "pw-123456"}
    )
    data["operations_config.batch_size"] = "5000"
    form = Form(data=data)
    assert form.is_valid(), form.errors
    assert form.config["operations_config"]["batch_size"] == 100


def test_airbyte_dialect_renders_choices_groups_and_json_fallback():
    Form = form_class("airbyte")
    tree = lxml_html.fromstring(str(Form()))
    legends = [legend.text for legend in tree.xpath("//legend")]
    assert "Authentication" in legends and "Advanced" in legends
    options = tree.xpath('//select[@name="credentials.option_title"]/option')
    assert [(o.get("value"), o.text) for o in options][-2:] == [
        ("OAuth Credentials", "OAuth"),
        ("PAT Credentials", "Personal Access Token"),
    ]
    [token] = tree.xpath(
        '//*[@data-show-when="credentials.option_title"][.//input[@name="credentials.personal_access_token"]]'
    )
    assert json.loads(token.get("data-show-values")) == ["PAT Credentials"]
    assert tree.xpath('//input[@name="credentials.access_token"][@type="password"]')
    assert tree.xpath('//select[@name="streams"][@multiple]')
    assert tree.xpath('//textarea[@name="repositories"]')
    assert tree.xpath('//textarea[@name="labels"][contains(@class, "json")]')
    assert tree.xpath('//input[@name="start_date"][@placeholder="2021-03-01T00:00:00Z"]')
    names = list(Form().fields)
    assert (
        names.index("credentials.option_title")
        < names.index("repositories")
        < names.index("start_date")
    )


def test_airbyte_choice_validates_the_chosen_branch_only():
    Form = form_class("airbyte")
    data = post_data(
        Form(),
        **{
            "credentials.option_title": "PAT Credentials",
            "credentials.personal_access_token": "tok-123456",
            "credentials.client_id": "ignored-because-hidden",
            "repositories": "octo/hello\nocto/world",
            "labels": '{"team": "data"}',
        },
    )
    form = Form(data=data)
    assert form.is_valid(), form.errors
    assert form.config["credentials"] == {
        "option_title": "PAT Credentials",
        "personal_access_token": "tok-123456",
    }
    assert form.config["repositories"] == ["octo/hello", "octo/world"]
    assert form.config["labels"] == {"team": "data"}
    assert form.config["page_size"] == 10


def test_invalid_json_is_an_error_on_its_field():
    Form = form_class("airbyte")
    data = post_data(Form(), **{"labels": "{nope", "repositories": "a/b"})
    form = Form(data=data)
    assert not form.is_valid()
    assert form.errors["labels"] == ["Enter valid JSON."]


def test_draft_2020_if_then_else_sections_and_dependent_required():
    Form = form_class("draft_2020")
    tree = lxml_html.fromstring(str(Form()))
    [username] = tree.xpath('//*[@data-show-when="mode"][.//input[@name="username"]]')
    assert json.loads(username.get("data-show-values")) == ["basic"]
    [token] = tree.xpath('//*[@data-show-when="mode"][.//input[@name="token"]]')
    assert token.get("data-show-negate") == "true"
    data = post_data(
        Form(), endpoint="https://x.example", mode="token", token="tok-123456", username="zz"
    )
    form = Form(data=data)
    assert form.is_valid(), form.errors
    assert "username" not in form.config and form.config["token"] == "tok-123456"
    form = Form(data={**data, "proxy_user": "p"})
    assert not form.is_valid()
    assert form.errors["proxy_password"] == ["This field is required when proxy_user is set."]


def test_what_cannot_be_rendered_becomes_a_json_textarea():
    spec = {"schema": {"type": "object", "additionalProperties": {"type": "integer"}}}
    Form = form_class(spec)
    assert list(Form().fields) == [ROOT_FIELD]
    form = Form(data={ROOT_FIELD: '{"a": 1}'})
    assert form.is_valid(), form.errors
    assert form.config == {"a": 1}
    odd = {
        "schema": {
            "type": "object",
            "properties": {
                "choice": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                "rows": {"type": "array", "items": {"type": "object"}},
                "dotted.key": {"type": "string"},
            },
        }
    }
    assert list(form_class(odd)().fields) == [ROOT_FIELD]
    odd["schema"]["properties"].pop("dotted.key")
    fields = form_class(odd)().fields
    assert set(fields) == {"choice", "rows"}


def test_values_the_form_has_no_field_for_are_kept():
    Form = form_class("draft_2020")
    config = {
        "endpoint": "https://x.example",
        "mode": "token",
        "token": "t-123456",
        "extra": {"k": 1},
    }
    form = Form(data=post_data(Form(config=config), token="t-123456"), config=config)
    assert form.is_valid(), form.errors
    assert form.config["extra"] == {"k": 1}


def test_help_and_labels_come_from_title_description_and_field_description():
    page = str(form_class("postgres_connector")())
    tree = lxml_html.fromstring(page)
    assert (
        tree.xpath('//label[@for="id_connector_config.connection_info.host"]')[0].text
        == "Database Host:"
    )
    [help_text] = tree.xpath('//*[@id="id_connector_config.connection_info.host_helptext"]')
    assert "Host name or IP address" in help_text.text
    host = tree.xpath('//input[@name="connector_config.connection_info.host"]')[0]
    assert host.get("aria-describedby") == "id_connector_config.connection_info.host_helptext"


def test_spec_text_is_escaped_in_the_page():
    spec = {
        "schema": {
            "type": "object",
            "properties": {
                "a": {"type": "string", "title": "<b>T</b>", "description": "<script>x()</script>"}
            },
        }
    }
    page = str(form_class(spec)())
    assert "<script>x()" not in page and "&lt;b&gt;T&lt;/b&gt;" in page


def test_widgets_follow_the_ui_hints_and_schema_keywords():
    spec = {
        "schema": {
            "type": "object",
            "required": ["size"],
            "properties": {
                "size": {
                    "type": "string",
                    "title": "Size",
                    "enum": ["s", "m", "l"],
                    "default": "m",
                },
                "notes": {"type": "string", "title": "Notes"},
                "key": {"type": "string", "title": "Key"},
                "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "title": "Tags"},
                "level": {"type": "integer", "enum": [1, 2, 3], "title": "Level"},
                "secret_text": {"type": "string", "writeOnly": True, "title": "Key file"},
            },
        },
        "properties": {
            "size": {"ui:widget": "radio"},
            "notes": {"ui:widget": "textarea", "ui:placeholder": "Anything"},
            "key": {"ui:widget": "hidden"},
            "tags": {"ui:widget": "checkboxes"},
            "secret_text": {"ui:widget": "textarea"},
        },
    }
    Form = form_class(spec)
    page = str(Form(config={"secret_text": "multi\nline-secret-xyz"}))
    assert controls_without_label(page) == []
    tree = lxml_html.fromstring(page)
    assert [i.get("value") for i in tree.xpath('//input[@type="radio"][@name="size"]')] == [
        "s",
        "m",
        "l",
    ]
    assert tree.xpath('//input[@type="radio"][@name="size"][@checked]')[0].get("value") == "m"
    assert tree.xpath('//textarea[@name="notes"][@placeholder="Anything"]')
    assert tree.xpath('//input[@type="hidden"][@name="key"]')
    assert len(tree.xpath('//input[@type="checkbox"][@name="tags"]')) == 2
    [secret_area] = tree.xpath('//textarea[@name="secret_text"]')
    assert (secret_area.text or "").strip() == ""
    form = Form(data={"size": "l", "tags": ["b"], "level": "2", "notes": "hi"})
    assert form.is_valid(), form.errors
    assert form.config == {"size": "l", "tags": ["b"], "level": 2, "notes": "hi"}


def test_number_bounds_lengths_and_safe_patterns_become_input_attributes():
    tree = lxml_html.fromstring(str(form_class("postgres_connector")()))
    [port] = tree.xpath('//input[@name="connector_config.connection_info.port"]')
    assert (port.get("type"), port.get("min"), port.get("max")) == ("number", "1", "65535")
    [name] = tree.xpath('//input[@name="connector_config.connection_info.name"]')
    assert name.get("pattern") == "[a-zA-Z0-9_]{1,64}"
    [host] = tree.xpath('//input[@name="connector_config.connection_info.host"]')
    assert host.get("pattern") is None  # an unanchored JS literal: left to the server


def test_a_field_declared_in_several_branches_shows_for_each_of_them():
    spec = {
        "schema": {
            "type": "object",
            "properties": {"kind": {"type": "string", "enum": ["a", "b", "c"]}},
            "dependencies": {
                "kind": {
                    "oneOf": [
                        {
                            "properties": {
                                "kind": {"const": "a"},
                                "x": {"type": "string"},
                                "y": {"type": "string"},
                            }
                        },
                        {"properties": {"kind": {"const": "b"}, "x": {"type": "string"}}},
                        {"properties": {"kind": {"const": "c"}}},
                    ]
                }
            },
        }
    }
    Form = form_class(spec)
    assert list(Form().fields) == ["kind", "x", "y"]
    tree = lxml_html.fromstring(str(Form()))
    [x] = tree.xpath('//*[@data-show-when="kind"][.//input[@name="x"]]')
    assert json.loads(x.get("data-show-values")) == ["a", "b"]
    form = Form(data={"kind": "b", "x": "kept", "y": "dropped"})
    assert form.is_valid(), form.errors
    assert form.config == {"kind": "b", "x": "kept"}
