"""The Content-Security-Policy in a real browser (headless Chromium): the login page, the admin,
Swagger UI and the pages (their scripts running) render and work without a single policy
violation."""

import pytest
from django.conf import settings as django_settings
from django.test import Client

from syncs import services as sync_services
from syncs.models import SyncTrigger
from tenancy import services
from tenancy.models import Role
from tests.servers.web import web_server
from webhooks.services import webhook_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def test_pages_admin_and_api_reference_work_under_the_policy(
    browser, make_user, workspace, owner, collection, make_connector, tmp_path
):
    root = make_user("root", is_staff=True, is_superuser=True)
    services.membership_set(actor=owner, workspace=workspace, user=root, role=Role.OWNER)
    connector = make_connector(collections=[collection])
    sync = sync_services.sync_trigger(
        actor=owner, connector=connector, trigger=SyncTrigger.MANUAL, enqueue=False
    )
    webhook, _ = webhook_create(
        actor=owner, workspace=workspace, url="http://127.0.0.1:9/hook", events=["sync.failed"]
    )
    client = Client()
    client.force_login(root)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    with web_server(tmp_path) as server:
        context = browser.new_context()
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        page.goto(f"{server.url}/login/")
        assert page.locator("input[name=username]").count() == 1
        assert page.evaluate("window.__violations") == []

        context.add_cookies(
            [{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": server.url}]
        )
        checks = {
            "/admin/": "#content-main",
            "/admin/connectors/connector/": "#changelist",
            "/admin/webhooks/webhooksubscription/add/": "form#webhooksubscription_form",
            "/api/docs/": ".swagger-ui .opblock",
            # The pages, with their scripts at work (live progress, the generated form).
            f"/w/{workspace.slug}/": "main h1",
            f"/w/{workspace.slug}/connectors/": "main h1",
            f"/w/{workspace.slug}/connectors/{connector.pk}/": "#activity",
            f"/w/{workspace.slug}/connectors/{connector.pk}/edit/": "form",
            f"/w/{workspace.slug}/syncs/{sync.pk}/": "main h1",
            f"/w/{workspace.slug}/collections/{collection.pk}/documents/": "main h1",
            f"/w/{workspace.slug}/webhooks/": "form",
            f"/w/{workspace.slug}/webhooks/{webhook.pk}/": "main h1",
            f"/w/{workspace.slug}/audit/": "table",
            f"/w/{workspace.slug}/keys/": "form",
            "/registry/": "main h1",
        }
        # Pages whose script polls a fragment while the (queued) sync is active.
        live = {
            f"/w/{workspace.slug}/": "/syncs/running/",
            f"/w/{workspace.slug}/connectors/{connector.pk}/": "/activity/",
            f"/w/{workspace.slug}/syncs/{sync.pk}/": "/live/",
        }
        for path, rendered in checks.items():
            fragment = live.get(path)
            if fragment:  # a live page: its script fetches and swaps in a fragment
                with page.expect_response(lambda r, f=fragment: f in r.url, timeout=30_000):
                    page.goto(f"{server.url}{path}")
                page.wait_for_timeout(300)
            else:
                page.goto(f"{server.url}{path}")
            page.wait_for_selector(rendered, timeout=30_000)
            violations = page.evaluate("window.__violations")
            assert violations == [], (path, violations)
        # Swagger UI works, not only renders: an operation opens on a click.
        page.goto(f"{server.url}/api/docs/")
        page.locator(".opblock-summary").first.click()
        page.wait_for_selector(".opblock-body", timeout=10_000)
        assert page.evaluate("window.__violations") == []
        context.close()
