"""A connector's configuration on its page in a real browser: a labelled list built from its
kind's ui_spec (titles, sections, the chosen option, secrets as Set), nothing cut off at the
right edge. Screenshot under test-artifacts/browser/."""

import pytest
from playwright.sync_api import expect

from connectors import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONFIG = {
    "connector_config": {
        "databaseType": "PostgreSQL",
        "connection_info": {
            "host": "warehouse.example.com",
            "port": 5432,
            "name": "sales",
            "username": "reader",
            "password": "correct-horse-battery-staple",
        },
        "schemaInfo": {
            "table": "orders",
            "timestampColumn": "updated_at",
            "titleColumn": "customer_name",
        },
    }
}


def test_the_configuration_reads_as_a_labelled_list(web, owner, workspace, catalog):
    page = web.page
    connector = services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=catalog["postgres-connector"],
        name="Orders",
        config=CONFIG,
    )
    web.login_as(owner)
    web.goto(f"/w/{workspace.slug}/connectors/{connector.pk}/")
    outline = page.locator("section[aria-labelledby=config-title] .config-outline").first
    expect(outline).to_contain_text("Database Host")
    expect(outline).to_contain_text("warehouse.example.com")
    expect(outline).to_contain_text("Table Name")
    title = outline.locator("dt", has_text="Title Column").locator("xpath=following-sibling::dd[1]")
    expect(title).to_have_text("customer_name")
    password = outline.locator("dt", has_text="Database Password").locator(
        "xpath=following-sibling::dd[1]"
    )
    expect(password).to_have_text("Set")
    assert "correct-horse" not in page.content()
    card = page.locator("section[aria-labelledby=config-title]").bounding_box()
    for box in (dd.bounding_box() for dd in outline.locator("dd").all()):
        assert box["x"] + box["width"] <= card["x"] + card["width"] + 1, (box, card)
    web.screenshot("19-connector-config")
    assert not web.errors
