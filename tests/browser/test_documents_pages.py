"""Documents in a real browser: the list says how many there are and jumps to the oldest page;
a table row's document reads as its columns. Screenshots under test-artifacts/browser/."""

import json

import pytest
from playwright.sync_api import expect

from connectors import services
from registry.sources.base import SourceDocument
from tests.documents import store_documents

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_counts_jumps_and_columns(web, owner, workspace, catalog):
    page = web.page
    connector = services.connector_create(
        actor=owner, workspace=workspace, definition=catalog["sample-data"], name="Orders"
    )
    rows = [
        {"id": n, "customer": f"Customer {n}", "total": f"{n * 3}.50", "shipped": n % 2 == 0}
        for n in range(1, 131)
    ]
    store_documents(
        connector,
        [
            SourceDocument(
                external_id=str(row["id"]),
                title=f"Order {row['id']}",
                mime_type="application/json",
                content=json.dumps(row),
            )
            for row in rows
        ],
    )
    web.login_as(owner)
    web.goto(f"/w/{workspace.slug}/connectors/{connector.pk}/documents/")
    expect(page.locator(".subtitle")).to_have_text("130 documents")
    table = page.get_by_role("table", name="Documents")
    expect(table.locator("tbody tr").first).to_contain_text("Order 130")
    page.get_by_role("link", name="Oldest »").click()
    expect(table.locator("tbody tr").last).to_contain_text("Order 1")
    web.screenshot("19-documents-oldest")
    table.get_by_role("link", name="Order 7", exact=True).click()
    columns = page.get_by_role("table", name="Columns of this row")
    expect(columns.get_by_role("row", name="customer")).to_contain_text("Customer 7")
    expect(columns.get_by_role("row", name="shipped")).to_contain_text("false")
    web.screenshot("19-document-row")
    assert not web.errors


FAQ_PAGE = b"""<html><head><title>Help centre</title></head><body>
<nav><a href="/">Home</a> <a href="/pricing">Pricing</a></nav>
<main><h1>Frequently asked questions</h1>
<p>What people ask us most, with the answers.</p>
<h2>How do I install it?</h2><p>Clone the repository and run <b>make run</b>.</p>
<h2>Where is the documentation?</h2>
<ul><li><a href="/docs/guide">The guide</a></li><li><a href="/docs/api">The API reference</a></li></ul>
<dl><dt>Is it free?</dt><dd>Yes, under the MIT licence.</dd></dl>
<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Community</td><td>0</td></tr></table>
<script>track()</script></main><footer>Copyright</footer></body></html>"""


def test_a_web_page_keeps_its_structure(web, owner, workspace, catalog):
    from registry.sources.extract import extract_text

    page = web.page
    connector = services.connector_create(
        actor=owner, workspace=workspace, definition=catalog["sample-data"], name="Help centre"
    )
    extracted = extract_text(FAQ_PAGE, mime_type="text/html")
    store_documents(
        connector,
        [
            SourceDocument(
                external_id="https://help.example.com/faq",
                title=extracted.title,
                url="https://help.example.com/faq",
                mime_type=extracted.mime_type,
                content=extracted.text,
            )
        ],
    )
    web.login_as(owner)
    web.goto(f"/w/{workspace.slug}/connectors/{connector.pk}/documents/")
    page.get_by_role("link", name="Frequently asked questions").click()
    text = page.locator(".prose")
    expect(text.get_by_role("heading", name="How do I install it?")).to_be_visible()
    expect(text.get_by_role("listitem").filter(has_text="The guide")).to_be_visible()
    expect(text.locator("strong", has_text="Is it free?")).to_be_visible()
    expect(text.get_by_role("cell", name="Community")).to_be_visible()
    expect(text).not_to_contain_text("track()")
    web.screenshot("19-web-page-structure")
    assert not web.errors
