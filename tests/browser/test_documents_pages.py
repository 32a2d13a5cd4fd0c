"""Documents in a real browser: the list says how many there are and jumps to the oldest page;
a table row's document reads as its columns. Screenshots under test-artifacts/browser/."""

import json

import pytest
from playwright.sync_api import expect

from connectors import services
from connectors.sources.base import SourceDocument
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
