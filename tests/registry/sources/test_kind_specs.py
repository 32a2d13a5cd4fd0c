"""The kind folders of this part: valid specs, and configs stored through the real services."""

import json
import re

import pytest
from jsonschema import Draft7Validator

from config.errors import InvalidInput
from connectors import credentials, services
from registry.configs import prepare
from registry.sources.installed import KINDS_DIR, implementation

FOLDERS = ["web_scraper", "website", "rss", "upload", "http_data"]


def spec_of(folder):
    return json.loads((KINDS_DIR / folder / "ui-config.json").read_text())


@pytest.mark.parametrize("folder", FOLDERS + ["postgres_connector", "mysql_connector"])
def test_folders_are_complete_and_specs_valid(folder):
    path = KINDS_DIR / folder
    metadata = json.loads((path / "metadata.json").read_text())
    assert re.fullmatch(r"\d+\.\d+\.\d+", metadata["metadata"]["version"])
    assert (path / "icon.svg").read_text().startswith("<svg")
    spec = spec_of(folder)
    Draft7Validator.check_schema(spec["schema"])
    for name, node in spec["schema"]["properties"].items():
        assert node.get("title"), f"{folder}.{name} has no title"
    reader = implementation(metadata["metadata"]["id"])
    assert reader.__module__ != "registry.sources.base", f"{folder} has no reader"


@pytest.fixture
def kind(make_definition):
    def make(folder):
        metadata = json.loads((KINDS_DIR / folder / "metadata.json").read_text())["metadata"]
        return make_definition(
            connector_id=metadata["id"], implementation=metadata["id"], ui_spec=spec_of(folder)
        )

    return make


@pytest.mark.database
def test_web_scraper_slots_get_defaults_and_are_checked(kind):
    definition = kind("web_scraper")
    config = prepare(
        definition,
        {"url": "https://example.com/docs/", "extraction_type": "ALL", "email": "a@example.com"},
    )
    assert config["extraction_type"] == "all"
    assert (config["max_pages"], config["max_depth"], config["max_concurrency"]) == (100, 3, 2)
    with pytest.raises(InvalidInput) as caught:
        prepare(definition, {"url": "https://example.com/", "extraction_type": "x"})
    assert set(caught.value.errors) >= {"extraction_type", "email"}


@pytest.mark.database
def test_rss_run_mode_in_any_case_and_its_schedule(kind, owner, workspace):
    connector = services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=kind("rss"),
        name="news",
        config={"url": "https://example.com/feed.xml", "runMode": "continuous"},
    )
    assert connector.config["runMode"] == "CONTINUOUS"
    assert (connector.schedule_type, connector.schedule_cron) == ("cron", "0 * * * *")
    website = services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=kind("website"),
        name="site",
        config={"url": "https://example.com/"},
    )
    assert website.config["extraction_type"] == "all"


@pytest.mark.database
def test_http_data_keeps_its_auth_header_secret(kind, owner, workspace):
    connector = services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=kind("http_data"),
        name="records",
        config={"url": "https://api.example.com/items", "auth_header": "Bearer t0ken-Zq"},
    )
    assert "auth_header" not in connector.config
    assert connector.config["id_field"] == "id"
    assert credentials.masked_config(connector)["auth_header"] == "**********"
    assert credentials.full_config(connector)["auth_header"] == "Bearer t0ken-Zq"
