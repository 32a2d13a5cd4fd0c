"""Large figures in a real browser: the dashboard's chart keeps its whole y-axis labels (with
thousands separators) inside the drawing, and a sync queued a moment ago reads "just now".
Screenshot under test-artifacts/browser/."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from connectors import services
from syncs.models import DocumentDay, Sync

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_large_figures_fit_and_read_well(web, owner, workspace, catalog):
    page = web.page
    connector = services.connector_create(
        actor=owner, workspace=workspace, definition=catalog["sample-data"], name="Archive"
    )
    DocumentDay.objects.create(connector=connector, day=timezone.localdate(), imported=1_234_567)
    Sync.objects.create(connector=connector, trigger="manual", status="succeeded")
    web.login_as(owner)

    web.goto(f"/w/{workspace.slug}/")
    expect(page.locator(".subtitle").first).to_contain_text("1,234,567 documents imported")
    top_label = page.locator("svg text.axis-label", has_text="2,000,000")
    expect(top_label).to_have_count(1)
    label = top_label.bounding_box()
    chart = page.locator("svg:has(text.axis-label)").bounding_box()
    assert label["x"] >= chart["x"], (label, chart)
    web.screenshot("19-dashboard-large-figures")

    web.goto(f"/w/{workspace.slug}/connectors/")
    expect(page.get_by_role("row", name="Archive")).to_contain_text("just now")
    assert not web.errors
