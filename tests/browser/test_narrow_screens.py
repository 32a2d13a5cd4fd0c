"""The pages on a phone-sized screen in a real browser: the sidebar folds into a bar whose Menu
button opens the navigation, and no page is wider than the screen (wide tables scroll inside
their card). Screenshots under test-artifacts/browser/."""

import pytest
from playwright.sync_api import expect

from connectors import services
from syncs.models import Sync

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_the_menu_folds_and_nothing_is_wider_than_the_screen(
    browser, live_server, owner, workspace, catalog
):
    from tests.browser.conftest import BrowserPage

    connector = services.connector_create(
        actor=owner, workspace=workspace, definition=catalog["sample-data"], name="Newsroom archive"
    )
    Sync.objects.create(connector=connector, trigger="manual", status="succeeded")
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    try:
        web = BrowserPage(context, live_server.url)
        page = web.page
        web.login_as(owner)
        slug = workspace.slug
        web.goto(f"/w/{slug}/connectors/")
        menu = page.get_by_role("button", name="Menu")
        navigation = page.get_by_role("navigation", name="Main")
        expect(menu).to_be_visible()
        expect(navigation).to_be_hidden()
        web.screenshot("19-narrow-connectors")
        menu.click()
        expect(navigation).to_be_visible()
        expect(menu).to_have_attribute("aria-expanded", "true")
        web.screenshot("19-narrow-menu-open")
        navigation.get_by_role("link", name="Syncs").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Sync history")
        expect(navigation).to_be_hidden()  # a new page starts folded

        for path in [
            f"/w/{slug}/",
            f"/w/{slug}/connectors/",
            f"/w/{slug}/connectors/{connector.pk}/",
            f"/w/{slug}/syncs/",
            f"/w/{slug}/catalog/",
            f"/w/{slug}/spaces/",
            f"/w/{slug}/keys/",
            f"/w/{slug}/audit/",
            "/registry/",
        ]:
            web.goto(path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (path, overflow)
        assert not web.errors
        page.set_viewport_size({"width": 1360, "height": 900})
        expect(menu).to_be_hidden()  # a wide screen shows the navigation, no Menu button
        expect(navigation).to_be_visible()
    finally:
        context.close()
