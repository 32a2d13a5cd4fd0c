"""Every URL of the service, called by every kind of outsider, answers as the matrix says and
shows none of the victim workspace's data. The URLs come from the URL configuration itself: a URL
without an entry in ``tenancy_matrix.MATRIX`` fails the first test."""

from urllib.parse import urlencode, urlsplit

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from connectors.models import Connector, Credential
from registry.models import ConnectorDefinition
from syncs.models import Document, Sync
from tenancy import services
from tenancy.models import ApiKey, Collection, Membership, Space, Workspace
from tests.leaks import Secrets
from tests.security.conftest import VICTIM_MARKERS
from tests.security.tenancy_matrix import ADMIN_NAMESPACE, ADMIN_ROUTE_PREFIX, MATRIX
from tests.security.test_security_headers import SMALL_ICON
from webhooks.models import WebhookSubscription

pytestmark = pytest.mark.database

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
FORM = "application/x-www-form-urlencoded"


def url_patterns(patterns=None, prefix="", namespace=None):
    """``(route, name with namespace, callback)`` of every URL of the project."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name, pattern.callback


def is_admin(route: str, name: str | None) -> bool:
    return route.startswith(ADMIN_ROUTE_PREFIX) or (name or "").startswith(ADMIN_NAMESPACE + ":")


def methods_of(callback) -> list[str]:
    """The HTTP methods a view answers (DRF viewsets: their action map)."""
    actions = getattr(callback, "actions", None)
    if actions:
        return [m for m in HTTP_METHODS if m in actions]
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return ["get"]
    return [m for m in HTTP_METHODS if hasattr(view_class, m)]


def project_urls():
    return [(route, name, cb) for route, name, cb in url_patterns() if not is_admin(route, name)]


def test_every_url_has_an_entry_and_every_entry_a_url():
    names = {name or route for route, name, _ in project_urls()}
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URLs without a tenancy matrix entry: {missing}"
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"Matrix entries of URLs that no longer exist: {stale}"


#: Outsiders who belong to the victim workspace (as viewers): they may see its name and slug
#: (the layout's workspace switcher shows them), never anything else in a refusal.
MEMBERS = frozenset({"viewer_member"})


def leaked(response, path: str, victim, outsider: str = "") -> list[str]:
    """Victim values in the body or headers, except those the caller itself put in the path
    (and, for a member of the victim workspace, the workspace's own name and slug)."""
    body = response.content.decode(errors="replace") + str(dict(response.items()))
    shown_to_members = {victim.workspace.name, victim.workspace.slug, str(victim.workspace.pk)}
    values = [
        v
        for v in VICTIM_MARKERS + victim.ids()
        if v not in path and not (outsider in MEMBERS and v in shown_to_members)
    ]
    return [v for v in values if Secrets(v).found_in(body)] if values else []


def call(client, method: str, path: str, form: dict | None = None):
    if method == "get":
        return client.get(path)
    if form is not None:
        return client.generic(method.upper(), path, urlencode(form), FORM)
    return client.generic(method.upper(), path, b"{}", content_type="application/json")


def into_victim_workspace(response, victim) -> bool:
    """A redirect that leads an outsider into the victim's workspace pages."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    return urlsplit(response["Location"]).path.startswith(f"/w/{victim.workspace.slug}/")


def victim_state(victim) -> dict:
    """What an outsider's request must not change in the victim workspace."""
    workspace = victim.workspace
    connectors = Connector.all_objects.filter(workspace=workspace)
    return {
        "workspace": list(Workspace.objects.filter(pk=workspace.pk).values()),
        "spaces": list(Space.objects.filter(workspace=workspace).values().order_by("pk")),
        "collections": list(
            Collection.objects.filter(space__workspace=workspace).values().order_by("pk")
        ),
        "connectors": list(
            connectors.values(
                "pk", "name", "description", "state", "deleted_at", "config", "definition"
            ).order_by("pk")
        ),
        "credentials": list(
            Credential.objects.filter(connector__in=connectors).values("pk", "token")
        ),
        "associations": sorted(connectors.values_list("pk", "associations__collection").order_by()),
        "memberships": list(
            Membership.objects.filter(workspace=workspace).values("user", "role").order_by("user")
        ),
        "keys": list(
            ApiKey.objects.filter(workspace=workspace)
            .values("pk", "role", "revoked")
            .order_by("pk")
        ),
        "webhooks": list(
            WebhookSubscription.objects.filter(workspace=workspace).values().order_by("pk")
        ),
        "syncs": list(
            Sync.objects.filter(connector__in=connectors).values("pk", "status").order_by("pk")
        ),
        "documents": list(
            Document.objects.filter(connector__in=connectors).values().order_by("pk")
        ),
        "definitions": list(ConnectorDefinition.objects.values("pk", "status").order_by("pk")),
    }


def test_outsiders_get_the_documented_refusal_and_no_victim_data(victim, outsiders):
    registry_id = ConnectorDefinition.objects.first().registry_id
    values = victim.path_values(registry_id)
    before = victim_state(victim)
    checked, failures = 0, []
    for _, name, callback in project_urls():
        entry = MATRIX[name]
        path = entry.path.format(**values)
        form = {k: v.format(**values) for k, v in entry.form.items()} if entry.form else None
        for method in entry.methods or methods_of(callback):
            writes = method != "get" or entry.state_changing_get
            expected = dict(entry.writes if writes else entry.reads)
            if not writes and entry.manage_only:
                expected["viewer"] = frozenset({403})
            for outsider, statuses in expected.items():
                response = call(outsiders[outsider](), method, path, form)
                checked += 1
                if response.status_code not in statuses:
                    failures.append(
                        f"{outsider} {method.upper()} {path}: {response.status_code}, "
                        f"expected {sorted(statuses)}: {response.content[:200]!r}"
                    )
                if found := leaked(response, path, victim, outsider):
                    failures.append(f"{outsider} {method.upper()} {path} shows {found}")
                if (
                    entry.page
                    and outsider not in MEMBERS
                    and into_victim_workspace(response, victim)
                ):
                    failures.append(
                        f"{outsider} {method.upper()} {path} is sent to {response['Location']}"
                    )
    assert not failures, "\n".join(failures)
    assert checked > 400  # every URL, every method, every outsider
    assert victim_state(victim) == before, "an outsider's request changed the victim workspace"


def test_the_victim_itself_reaches_every_object_of_the_matrix(victim):
    """The paths are right: the victim's owner, with an admin key, reads them (so the outsiders'
    404s above are refusals, not typos)."""

    _, key = services.api_key_create(actor=victim.owner, workspace=victim.workspace, name="own")
    client = outsiders_client(key)
    values = victim.path_values(ConnectorDefinition.objects.first().registry_id)
    for name, entry in MATRIX.items():
        callback = next(cb for _, n, cb in project_urls() if n == name)
        api = entry.reads.get("anonymous") == frozenset({401})
        if not api or "get" not in methods_of(callback) or entry.state_changing_get:
            continue
        path = entry.path.format(**values)
        assert client.get(path).status_code == 200, path


def test_every_path_of_the_matrix_is_its_own_url(victim):
    """No entry tests a typo: each formatted path resolves to the URL the entry is named for."""
    values = victim.path_values(ConnectorDefinition.objects.first().registry_id)
    for name, entry in MATRIX.items():
        match = resolve(urlsplit(entry.path.format(**values)).path)
        assert (match.view_name or match.route) == name, (name, match.view_name)


def test_the_victim_owner_opens_every_page_of_the_matrix(victim):
    """The pages' paths name real objects: the victim's owner opens each one (so the outsiders'
    404s above are refusals, not missing objects)."""
    ConnectorDefinition.objects.filter(pk=victim.connector.definition_id).update(icon=SMALL_ICON)
    client = Client()
    client.force_login(victim.owner)
    values = victim.path_values(ConnectorDefinition.objects.first().registry_id)
    opened = 0
    for name, entry in MATRIX.items():
        if not entry.page or "get" not in (entry.methods or ()):
            continue
        path = entry.path.format(**values)
        response = client.get(path)
        # home: to the owner's dashboard; redoc: the reference's old address, to the reference
        expected = {"home": 302, "redoc": 301}.get(name, 200)
        assert response.status_code == expected, (path, response.status_code)
        opened += 1
    assert opened >= 30


def outsiders_client(raw_key):
    from tests.security.conftest import key_client

    return key_client(raw_key)


def admin_urls(victim) -> list[str]:
    """The changelist of every registered model, and the change and history pages of the
    victim's objects."""
    urls = []
    victim_objects = {
        "workspace": victim.workspace,
        "space": victim.space,
        "collection": victim.collection,
        "connector": victim.connector,
        "webhooksubscription": victim.webhook,
        "sync": victim.sync,
        "document": victim.document,
    }
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        if obj := victim_objects.get(meta.model_name):
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]))
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk]))
    return urls


def test_the_admin_shows_outsiders_nothing(victim, outsiders, staff_outsider):
    urls = [reverse("admin:index"), *admin_urls(victim)]
    for url in urls:
        for outsider in ("stranger", "anonymous", "other_key"):
            response = outsiders[outsider]().get(url)
            assert response.status_code == 302, (outsider, url, response.status_code)
            assert response["Location"].startswith(reverse("admin:login")), (outsider, url)
    # A staff user without the model permissions is refused; the audit trail, open to staff,
    # lists only the entries of the workspaces they own.
    for url in urls:
        response = staff_outsider.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)
        assert not leaked(response, url, victim), (url, leaked(response, url, victim))
    audit = staff_outsider.get(reverse("admin:audit_auditentry_changelist"))
    assert audit.status_code == 200
    assert "workspace.created" in audit.content.decode()  # their own workspace's entry
    assert "victim" not in audit.content.decode().lower()
