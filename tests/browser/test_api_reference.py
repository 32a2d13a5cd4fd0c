"""The API reference in a real browser: its groups carry the reference documents' names, in
their order, and the page requests nothing from another origin. Screenshot under
test-artifacts/browser/."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GROUPS = [
    "Live sources (Layar)",
    "Named storage connectors",
    "Connector registry (Obsrv v2)",
    "Collection connectors and syncs",
    "Workspace connectors with schedulers",
]


def test_the_reference_groups_by_document_and_stays_local(web):
    page = web.page
    origins = set()
    page.on("request", lambda request: origins.add(urlsplit(request.url).netloc))
    web.goto("/api/redoc/")  # the old address leads here
    headings = page.locator(".opblock-tag-section h3")
    expect(headings.first).to_be_visible()
    shown = [text.strip().splitlines()[0] for text in headings.all_inner_texts()]  # then its text
    assert shown[:5] == GROUPS, shown
    web.screenshot("19-api-reference")
    assert origins == {urlsplit(web.base_url).netloc}, origins
    assert not web.errors
