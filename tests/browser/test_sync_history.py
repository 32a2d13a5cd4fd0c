"""The sync history in a real browser: reached from the menu and from a connector's page,
filtered with its selects, each row leading to the sync's page with its attempts, counters,
rate and log. Screenshots under test-artifacts/browser/."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from connectors import services
from syncs.models import Sync, SyncAttempt, SyncLogLine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def finished(connector, status, minutes_ago, documents):
    end = timezone.now() - timedelta(minutes=minutes_ago)
    sync = Sync.objects.create(
        connector=connector,
        trigger="schedule" if status == "succeeded" else "manual",
        status=status,
        queued_at=end - timedelta(seconds=50),
        started_at=end - timedelta(seconds=40),
        finished_at=end,
        progress_done=documents,
        documents_seen=documents,
        documents_created=documents,
        error_message="The source refused the password." if status == "failed" else "",
        error_origin="source" if status == "failed" else "",
    )
    SyncAttempt.objects.create(
        sync=sync, number=1, started_at=sync.started_at, finished_at=end, outcome=status
    )
    SyncLogLine.objects.create(sync=sync, message=f"Stored {documents} documents.")
    return sync


def test_the_history_filters_and_leads_to_each_sync(web, owner, workspace, catalog):
    page = web.page
    sample = catalog["sample-data"]
    archive = services.connector_create(
        actor=owner, workspace=workspace, definition=sample, name="Archive"
    )
    wiki = services.connector_create(
        actor=owner, workspace=workspace, definition=sample, name="Wiki"
    )
    for minutes in range(6):
        finished(archive, "succeeded", 60 * minutes + 5, 120_000)
    finished(wiki, "failed", 30, 800)
    web.login_as(owner)

    web.goto(f"/w/{workspace.slug}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Syncs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sync history")
    rows = page.get_by_role("table", name="Syncs").locator("tbody tr")
    expect(rows).to_have_count(7)
    expect(rows.first).to_contain_text("Archive")
    expect(rows.first).to_contain_text("3,000")  # 120,000 documents in 40 s
    web.screenshot("19-sync-history")

    page.get_by_label("Status").select_option("failed")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Wiki")
    rows.first.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/syncs/[0-9a-f-]+/$"))
    expect(page.get_by_text("800 processed")).to_be_visible()
    expect(page.get_by_role("table").first).to_contain_text("Failed")
    expect(page.locator("ol.log")).to_contain_text("Stored 800 documents.")
    web.screenshot("19-sync-page")

    web.goto(f"/w/{workspace.slug}/connectors/{archive.pk}/")
    page.get_by_role("link", name="Full history").click()
    expect(rows).to_have_count(6)
    expect(page.get_by_label("Connector")).to_have_value(str(archive.pk))
    assert not web.errors
