"""The connector form says beside its save button what saving starts, and the sentence follows the
schedule as it is changed (fetched from the server, no reload). Screenshot under
test-artifacts/browser/."""

import re

import pytest
from playwright.sync_api import expect

from connectors.models import Connector

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_save_button_says_what_saving_starts(web, owner, workspace, catalog):
    page = web.page
    web.login_as(owner)
    definition = catalog["sample-data"]
    web.goto(f"/w/{workspace.slug}/connectors/new/{definition.registry_id}/")
    sentence = page.locator("#save-effect")
    expect(sentence).to_have_text("Nothing runs until you start a sync.")

    page.get_by_label("Repeatedly, on a cron schedule").check()
    page.get_by_label("Cron expression").fill("0 3 * * *")
    expect(sentence).to_have_text(
        re.compile(r"^Nothing runs now; first import at .+ 03:00 UTC, then at 03:00 AM \(UTC\)\.$")
    )
    web.screenshot("19-save-sentence-cron")
    page.get_by_label("Cron expression").fill("not cron")
    expect(sentence).to_have_text("")
    page.get_by_label("When added to a collection, then on demand").check()
    expect(sentence).to_contain_text("once it is in a collection")

    page.get_by_label("Name", exact=True).fill("Nightly")
    page.get_by_label("Repeatedly, on a cron schedule").check()
    page.get_by_label("Cron expression").fill("0 3 * * *")
    page.get_by_role("button", name="Create connector").click()
    connector = Connector.objects.get(name="Nightly")
    expect(page).to_have_url(re.compile(f"/connectors/{connector.pk}/$"))
    web.goto(f"/w/{workspace.slug}/connectors/{connector.pk}/edit/")
    expect(sentence).to_contain_text("then at 03:00 AM (UTC).")
    assert not web.errors


def test_a_kind_with_a_polling_interval_has_one_schedule_control(web, owner, workspace, catalog):
    """PostgreSQL's spec has its own Polling Interval: it folds into the schedule section, and a
    new connector syncs on demand until the operator picks a schedule."""
    page = web.page
    web.login_as(owner)
    definition = catalog["postgres-connector"]
    web.goto(f"/w/{workspace.slug}/connectors/new/{definition.registry_id}/")
    expect(page.get_by_label("Polling Interval", exact=False)).to_have_count(0)
    expect(page.get_by_label("No schedule: sync on demand")).to_be_checked()
    expect(page.locator("#save-effect")).to_have_text("Nothing runs until you start a sync.")
    page.get_by_label("Once, each time the connector starts").check()
    expect(page.locator("#save-effect")).to_contain_text("each time it is started")
    web.screenshot("19-postgres-one-schedule-control")
    assert not web.errors
