"""Security headers on every answer, and a Content-Security-Policy that the pages, the admin and
the API reference (Swagger UI split view) satisfy: no inline script, no inline style, no
inline event handler, nothing loaded from another origin."""

import base64
from html.parser import HTMLParser

import pytest
from django.test import Client

from registry.models import ConnectorDefinition
from tenancy import services
from tests.security.tenancy_matrix import MATRIX

pytestmark = pytest.mark.database

SMALL_ICON = (
    "data:image/svg+xml;base64,"
    + base64.b64encode(
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>'
    ).decode()
)
NON_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}


class PageAudit(HTMLParser):
    """What a strict ``script-src 'self'; style-src 'self'`` policy would block."""

    def __init__(self):
        super().__init__()
        self.blocked: list[str] = []
        self.scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.blocked.append(f"inline handler {name} on <{tag}>")
            if name == "style":
                self.blocked.append(f"inline style on <{tag}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.blocked.append(f"javascript: URL on <{tag}>")
            remote = (value or "").startswith(("http://", "https://", "//"))
            if name in ("src", "href") and remote and tag in ("script", "link", "img", "iframe"):
                self.blocked.append(f"another origin: <{tag} {name}={value}>")
        if tag == "script":
            if attributes.get("src"):
                self.scripts.append(attributes["src"])
            elif attributes.get("type", "").lower() not in NON_SCRIPT_TYPES:
                self._in_inline_script = True
        if tag == "style":
            self.blocked.append("inline <style> element")

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.blocked.append(f"inline script: {data.strip()[:80]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False


def audit(html: str) -> PageAudit:
    parser = PageAudit()
    parser.feed(html)
    return parser


def assert_headers(response, where):
    policy = response.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "script-src 'self';",
        "style-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
    ):
        assert directive in policy, (where, directive, policy)
    assert "unsafe-eval" not in policy, where
    script_src = policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "unsafe-inline" not in script_src, where
    style_src = policy.split("style-src", 1)[1].split(";", 1)[0]
    assert "unsafe-inline" not in style_src, where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["Referrer-Policy"] == "same-origin", where
    assert "camera=()" in response["Permissions-Policy"], where


@pytest.fixture
def admin_session(make_user, workspace):
    client = Client()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


def page_urls(workspace):
    """The admin and the API reference; the pages themselves are in
    ``test_every_page_satisfies_the_policy``."""
    return [
        "/login/",
        "/admin/",
        "/admin/connectors/connector/",
        "/admin/tenancy/workspace/",
        f"/admin/tenancy/workspace/{workspace.pk}/change/",
        "/admin/tenancy/workspace/add/",
        "/admin/audit/auditentry/",
        "/admin/webhooks/webhooksubscription/add/",
        "/admin/webhooks/webhookdelivery/",
        "/api/docs/",
    ]


def test_pages_admin_and_api_reference_carry_no_inline_script_or_style(admin_session, workspace):
    for url in page_urls(workspace):
        response = admin_session.get(url)
        assert response.status_code == 200, url
        assert_headers(response, url)
        found = audit(response.content.decode())
        assert not found.blocked, (url, found.blocked)
        for src in found.scripts:  # every script the page loads is here, and is script
            script = admin_session.get(src)
            assert script.status_code == 200, (url, src)
            assert "javascript" in script["Content-Type"], (url, src, script["Content-Type"])


def assert_page_satisfies_the_policy(client, response, where, loaded: set[str]):
    assert_headers(response, where)
    found = audit(response.content.decode())
    assert not found.blocked, (where, found.blocked)
    for src in set(found.scripts) - loaded:
        script = client.get(src)
        assert script.status_code == 200, (where, src)
        assert "javascript" in script["Content-Type"], (where, src, script["Content-Type"])
        loaded.add(src)


def test_every_page_satisfies_the_policy(victim):
    """Every page of the tenancy matrix (a new page cannot be added without an entry there),
    rendered for the owner of a workspace holding one object of every kind, plus the pages that
    answer a form: a new key and a new webhook (their secrets shown once), invalid input."""
    definition = victim.connector.definition
    ConnectorDefinition.objects.filter(pk=definition.pk).update(icon=SMALL_ICON)
    client = Client()
    client.force_login(victim.owner)
    values = victim.path_values(definition.registry_id)
    loaded: set[str] = set()
    rendered = 0
    for name, entry in MATRIX.items():
        if not entry.page or "get" not in (entry.methods or ()):
            continue
        path = entry.path.format(**values)
        response = client.get(path, follow=name in ("home", "redoc"))  # both redirect
        assert response.status_code == 200, (path, response.status_code)
        if response["Content-Type"].startswith("image/"):  # a definition's icon: inert
            assert "sandbox" in response["Content-Security-Policy"], path
            assert "default-src 'none'" in response["Content-Security-Policy"], path
            continue
        assert_page_satisfies_the_policy(client, response, path, loaded)
        rendered += 1
    assert rendered >= 30

    slug = victim.workspace.slug
    for path, data, status in [
        (f"/w/{slug}/keys/", {"name": "ci", "role": "viewer"}, 200),
        (f"/w/{slug}/webhooks/", {"url": "http://127.0.0.1:9/in", "events": ["sync.failed"]}, 200),
        (f"/w/{slug}/webhooks/", {"url": "nowhere", "events": ["sync.failed"]}, 400),
        (f"/w/{slug}/spaces/", {"space-name": ""}, 200),
        (f"/w/{slug}/connectors/{victim.connector.pk}/edit/", {"name": ""}, 400),
        (f"/w/{slug}/connectors/new/{definition.registry_id}/", {"action": "preview"}, 200),
    ]:
        response = client.post(path, data)
        assert response.status_code == status, (path, response.status_code)
        assert_page_satisfies_the_policy(client, response, f"POST {path}", loaded)


def test_the_login_pages_satisfy_the_policy_before_logging_in():
    client = Client()
    for url in ("/login/", "/admin/login/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_headers(response, url)
        assert not audit(response.content.decode()).blocked, url


def test_api_answers_carry_the_headers_too(workspace, owner):

    _, key = services.api_key_create(actor=owner, workspace=workspace, name="k")
    client = Client(HTTP_X_API_KEY=key)
    for url in ("/v1/spaces", "/api/schema/", "/no-such-url"):
        assert_headers(client.get(url), url)


def test_report_only_mode_sends_the_policy_under_its_report_only_name(settings):
    settings.CONNECTOR_HUB_CSP_REPORT_ONLY = True
    response = Client().get("/login/")
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]
    assert "Content-Security-Policy" not in response
