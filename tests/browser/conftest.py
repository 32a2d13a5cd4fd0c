"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server
(and, where syncs run, a real Celery worker). One browser per test run (the shared ``browser``
fixture, tests/servers/browser.py); each test gets a fresh context (cookies). Screenshots go to the
git-ignored ``test-artifacts/browser/``."""

from pathlib import Path

import pytest
from django.test import Client

from tests.servers.celery_worker import celery_processes  # noqa: F401 (a fixture)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


class BrowserPage:
    """A Playwright page on the live server, with the script errors and failed subresources it
    saw (a form answered with 400 is fine; a stylesheet or script that fails to load is not)."""

    def __init__(self, context, base_url: str):
        self.context = context
        self.base_url = base_url
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        self.page.on("response", self._check_response)
        self.page.set_default_timeout(15_000)

    def _check_response(self, response) -> None:
        kind = response.request.resource_type
        if response.status >= 500 or (response.status >= 400 and kind != "document"):
            self.errors.append(f"{response.status} {response.url}")

    def login_as(self, user) -> None:
        """Reuse a Django session instead of typing the password (the login test types it)."""
        client = Client()
        client.force_login(user)
        self.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": self.base_url,
                }
            ]
        )

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def web(browser, live_server):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=live_server.url)
    try:
        yield BrowserPage(context, live_server.url)
    finally:
        context.close()
