"""The keywords of Airbyte's spec dialect, honoured by validation and by the generated form:
``default`` naming a ``oneOf`` option, ``order``, ``group``/``groups``, ``always_show`` and the
folded "Optional fields", ``airbyte_hidden``, ``display_type``, ``multiline``,
``pattern_descriptor``, ``examples``, descriptions with HTML or Markdown links, titled enums,
required marks."""

import pytest
from lxml import html as lxml_html

from config.errors import InvalidInput
from registry.schema.forms import config_form_class
from registry.schema.validation import validate_config
from tests.registry.forms_helpers import definition_for, post_data

REPLICATION = {
    "type": "object",
    "title": "Replication Method",
    "default": "CDC",
    "display_type": "radio",
    "oneOf": [
        {
            "title": "Standard",
            "required": ["method"],
            "properties": {"method": {"type": "string", "const": "Standard", "order": 0}},
        },
        {
            "title": "Logical Replication (CDC)",
            "required": ["method", "replication_slot"],
            "properties": {
                "method": {"type": "string", "const": "CDC", "order": 1},
                "replication_slot": {
                    "type": "string",
                    "title": "Replication Slot",
                    "default": "airbyte_slot",
                    "order": 2,
                },
                "initial_waiting_seconds": {"type": "integer", "default": 300, "order": 3},
            },
        },
    ],
}

SPEC = {
    "schema": {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "required": ["host", "start_date"],
        "groups": [{"id": "db", "title": "Database"}, {"id": "advanced", "title": "Advanced"}],
        "properties": {
            "port": {
                "type": "integer",
                "title": "Port",
                "default": 5432,
                "order": 1,
                "group": "db",
            },
            "host": {
                "type": "string",
                "title": "Host",
                "order": 0,
                "group": "db",
                "examples": ["db.example.com"],
                "description": "See <a href='https://example.com/docs' onclick='x()'>the docs</a>"
                " or [the guide](https://example.com/guide). <script>alert(1)</script>",
            },
            "password": {
                "type": "string",
                "title": "Password",
                "airbyte_secret": True,
                "always_show": True,
                "order": 2,
                "group": "db",
            },
            "start_date": {
                "type": "string",
                "title": "Start date",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                "pattern_descriptor": "YYYY-MM-DD",
                "examples": ["2024-01-31"],
                "order": 3,
            },
            "certificate": {
                "type": "string",
                "title": "Certificate",
                "multiline": True,
                "order": 4,
            },
            "legacy_token": {"type": "string", "airbyte_hidden": True, "default": "kept"},
            "region": {
                "type": "string",
                "title": "Region",
                "order": 5,
                "oneOf": [
                    {"const": "eu", "title": "Europe"},
                    {"const": "us", "title": "United States"},
                ],
            },
            "replication_method": {**REPLICATION, "order": 6, "group": "advanced"},
            "format": {
                "type": "object",
                "default": "csv",
                "display_type": "dropdown",
                "order": 7,
                "oneOf": [
                    {"properties": {"filetype": {"const": "csv"}, "delimiter": {"default": ","}}},
                    {"properties": {"filetype": {"const": "jsonl"}}},
                ],
            },
        },
    }
}


@pytest.fixture
def form_class():
    return config_form_class(definition_for(SPEC))


def tree_of(form):
    return lxml_html.fromstring(f"<div>{form}</div>")


# -- defaults --------------------------------------------------------------------------------


def test_a_default_naming_an_option_fills_that_branch_and_its_defaults():
    config = validate_config(SPEC, {"host": "h", "start_date": "2024-01-31"})
    assert config["replication_method"] == {
        "method": "CDC",
        "replication_slot": "airbyte_slot",
        "initial_waiting_seconds": 300,
    }
    assert config["format"] == {"filetype": "csv", "delimiter": ","}
    assert config["port"] == 5432 and config["legacy_token"] == "kept"


def test_a_default_that_is_not_valid_for_its_property_is_not_applied():
    spec = {
        "schema": {
            "type": "object",
            "properties": {
                "replication": {**REPLICATION, "default": "STANDARD"},  # no option is named so
                "cdc_without_slot": {  # the branch it names would miss a required value
                    **REPLICATION,
                    "oneOf": [
                        REPLICATION["oneOf"][0],
                        {**REPLICATION["oneOf"][1], "properties": {"method": {"const": "CDC"}}},
                    ],
                },
                "provider": {"type": "object", "default": "", "properties": {}},
                "port": {"type": "integer", "default": "5432"},
            },
        }
    }
    assert validate_config(spec, {}) == {}


def test_the_form_preselects_the_option_a_default_names(form_class):
    form = form_class()
    assert form["replication_method.method"].value() == "CDC"
    assert form["format.filetype"].value() == "csv"


# -- layout ----------------------------------------------------------------------------------


def test_groups_are_fieldsets_in_order_and_fields_follow_their_order(form_class):
    tree = tree_of(form_class())
    legends = [legend.text_content().strip() for legend in tree.xpath("//fieldset/legend")]
    assert legends[:2] == ["Database", "Advanced"]
    [database] = tree.xpath('//fieldset[legend="Database"]')
    names = [e.get("name") for e in database.xpath(".//input") if e.get("name")]
    assert names[:3] == ["host", "password", "port"] or names[:2] == ["host", "password"]


def test_optional_fields_fold_into_a_closed_details_and_always_show_stays_out(form_class):
    tree = tree_of(form_class())
    [database] = tree.xpath('//fieldset[legend="Database"]')
    shown = {e.get("name") for e in database.xpath("./div//input")}
    assert {"host", "password"} <= shown  # required, and always_show
    [folded] = database.xpath("./details[@class='schema-optional']")
    assert folded.xpath("./summary")[0].text == "Optional fields"
    assert folded.get("open") is None
    assert folded.xpath('.//input[@name="port"]')
    top_level_folded = tree.xpath("//div[@class='schema-form']/details[@class='schema-optional']")
    assert top_level_folded and top_level_folded[0].xpath('.//*[@name="certificate"]')


def test_a_folded_part_opens_when_a_field_in_it_has_an_error(form_class):
    form = form_class(post_data(form_class(), password="pw", port="0", **{"region": "eu"}))
    data = dict(form.data)
    data.update({"host": "h", "start_date": "2024-01-31", "port": "not a number"})
    bound = form_class(data)
    assert not bound.is_valid()
    tree = tree_of(bound)
    [database] = tree.xpath('//fieldset[legend="Database"]')
    assert database.xpath("./details")[0].get("open") is not None


def test_hidden_fields_are_left_out_of_the_form_and_kept_on_edit(form_class):
    form = form_class()
    assert "legacy_token" not in form.fields
    stored = {"host": "h", "start_date": "2024-01-31", "legacy_token": "from-the-api"}
    edit = form_class(post_data(form_class(config=stored)), config=stored, stored=stored)
    assert edit.is_valid(), edit.errors
    assert edit.config["legacy_token"] == "from-the-api"


# -- widgets and words -----------------------------------------------------------------------


def test_display_type_picks_radio_buttons_or_a_drop_down(form_class):
    tree = tree_of(form_class())
    assert tree.xpath('//input[@type="radio"][@name="replication_method.method"]')
    assert tree.xpath('//select[@name="format.filetype"]')


def test_multiline_is_a_text_area_and_examples_are_placeholders_and_help(form_class):
    tree = tree_of(form_class())
    assert tree.xpath('//textarea[@name="certificate"]')
    [host] = tree.xpath('//input[@name="host"]')
    assert host.get("placeholder") == "db.example.com"
    help_text = tree.xpath('//*[@id="id_start_date_helptext"]')[0].text_content()
    assert "Format: YYYY-MM-DD." in help_text and "Example: 2024-01-31." in help_text
    assert "[0-9]" not in help_text


def test_a_pattern_error_is_in_words_never_the_regular_expression(form_class):
    with pytest.raises(InvalidInput) as refused:
        validate_config(SPEC, {"host": "h", "start_date": "31/01/2024"})
    assert refused.value.errors == {"start_date": ["Must have the format YYYY-MM-DD."]}
    spec = {
        "schema": {"type": "object", "properties": {"d": {"type": "string", "pattern": "^a+$"}}}
    }
    with pytest.raises(InvalidInput) as plain:
        validate_config(spec, {"d": "b"})
    assert plain.value.errors == {"d": ["Does not have the expected format."]}
    bound = form_class({**post_data(form_class()), "host": "h", "start_date": "31/01/2024"})
    assert not bound.is_valid()
    assert bound.errors["start_date"] == ["Must have the format YYYY-MM-DD."]
    errors = tree_of(bound).xpath('//ul[contains(@class, "errorlist")]')
    assert errors and all("[0-9]" not in e.text_content() for e in errors)


def test_descriptions_keep_links_and_emphasis_and_lose_everything_else(form_class):
    tree = tree_of(form_class())
    help_node = tree.xpath('//*[@id="id_host_helptext"]')[0]
    links = {a.get("href"): a for a in help_node.xpath(".//a")}
    assert set(links) == {"https://example.com/docs", "https://example.com/guide"}
    assert all(a.get("rel") == "noopener noreferrer nofollow" for a in links.values())
    assert all(a.get("onclick") is None for a in links.values())
    assert not help_node.xpath(".//script") and "alert" not in help_node.text_content()
    assert "&lt;a" not in str(form_class())


def test_enum_choices_show_their_titles(form_class):
    tree = tree_of(form_class())
    options = {o.get("value"): o.text for o in tree.xpath('//select[@name="region"]/option')}
    assert options == {"": "---------", "eu": "Europe", "us": "United States"}
    bound = form_class({**post_data(form_class()), "host": "h", "start_date": "2024-01-31"})
    bound.data = {**bound.data, "region": "us"}
    assert bound.is_valid(), bound.errors
    assert bound.config["region"] == "us"


def test_required_fields_are_marked(form_class):
    tree = tree_of(form_class())
    required = {
        e.get("name")
        for e in tree.xpath('//div[contains(@class, "required")]//*[@name]')
        if e.get("type") != "hidden"
    }
    assert {"host", "start_date", "replication_method.replication_slot"} <= required
    assert "port" not in required and "certificate" not in required
    assert tree.xpath('//p[@class="schema-form-legend"]')
    assert tree.xpath('//input[@name="host"]')[0].get("aria-required") == "true"
