"""The audit trail in a real browser names the objects and links to their pages. Screenshot under
test-artifacts/browser/."""

import re

import pytest
from playwright.sync_api import expect

from connectors import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_trail_links_objects_by_name(web, owner, workspace, catalog):
    page = web.page
    connector = services.connector_create(
        actor=owner, workspace=workspace, definition=catalog["sample-data"], name="Newsroom"
    )
    web.login_as(owner)
    web.goto(f"/w/{workspace.slug}/audit/")
    link = page.get_by_role("row", name=re.compile("connector.created")).get_by_role(
        "link", name="Newsroom"
    )
    expect(link).to_be_visible()
    web.screenshot("19-audit-trail-names")
    link.click()
    expect(page).to_have_url(re.compile(f"/connectors/{connector.pk}/$"))
    assert not web.errors
