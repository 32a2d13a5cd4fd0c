"""The Content-Security-Policy in a real browser (headless Chromium): the login page, the admin,
Swagger UI and Redoc render and work without a single policy violation."""

import os
import shutil
import subprocess

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.servers.web import web_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/lib/chromium/chromium"
#: What the policy is meant to block: Redoc's footer logo from its vendor's CDN (the page loads
#: nothing from another origin; the image hides itself when refused).
EXPECTED_BLOCKS = {"img-src https://cdn.redoc.ly/redoc/logo-mini.svg"}
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture(scope="module")
def chromium():
    if shutil.which("chromium") is None:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
            check=True,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the database calls of the test
    # (made outside it) are safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_pages_admin_and_api_reference_work_under_the_policy(chromium, make_user, tmp_path):
    client = Client()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    with web_server(tmp_path) as server:
        context = chromium.new_context()
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
            "/api/redoc/": "[role=menuitem], .menu-content li",
        }
        for path, rendered in checks.items():
            page.goto(f"{server.url}{path}")
            page.wait_for_selector(rendered, timeout=30_000)
            violations = page.evaluate("window.__violations")
            assert [v for v in violations if v not in EXPECTED_BLOCKS] == [], (path, violations)
        # Swagger UI works, not only renders: an operation opens on a click.
        page.goto(f"{server.url}/api/docs/")
        page.locator(".opblock-summary").first.click()
        page.wait_for_selector(".opblock-body", timeout=10_000)
        assert page.evaluate("window.__violations") == []
        context.close()
