"""Every page renders for an owner, and holds to the rules the Content-Security-Policy and the
accessibility goals set: no inline script, style or event handler, nothing from another origin,
CSRF on every POST form, a label for every control, one h1."""

import pytest
from django.urls import reverse

from tenancy.models import ApiKey
from tests.pages.conftest import parse

pytestmark = pytest.mark.database


@pytest.fixture
def every_page(workspace, space, collection, associated, finished_sync, documents, catalog):
    slug = workspace.slug
    connector = associated
    return {
        "dashboard": reverse("syncs:dashboard", args=[slug]),
        "spaces": reverse("connectors:space_list", args=[slug]),
        "space": reverse("connectors:space_detail", args=[slug, space.pk]),
        "space delete": reverse("connectors:space_delete", args=[slug, space.pk]),
        "collection": reverse("connectors:collection_detail", args=[slug, collection.pk]),
        "collection delete": reverse("connectors:collection_delete", args=[slug, collection.pk]),
        "collection documents": reverse("syncs:collection_documents", args=[slug, collection.pk]),
        "catalog": reverse("registry:catalog", args=[slug]),
        "connectors": reverse("connectors:connector_list", args=[slug]),
        "connector": reverse("connectors:connector_detail", args=[slug, connector.pk]),
        "connector edit": reverse("connectors:connector_edit", args=[slug, connector.pk]),
        "connector delete": reverse("connectors:connector_delete", args=[slug, connector.pk]),
        "connector documents": reverse("syncs:connector_documents", args=[slug, connector.pk]),
        "new postgres connector": reverse(
            "connectors:connector_create",
            args=[slug, catalog["postgres-connector"].registry_id],
        ),
        "new upload connector": reverse(
            "connectors:connector_create", args=[slug, catalog["upload"].registry_id]
        ),
        "document": reverse("syncs:document_detail", args=[slug, documents[0].pk]),
        "sync": reverse("syncs:sync_detail", args=[slug, finished_sync.pk]),
        "syncs": reverse("syncs:history", args=[slug]),
        "keys": reverse("tenancy:key_list", args=[slug]),
        "members": reverse("tenancy:member_list", args=[slug]),
        "registry": reverse("registry:registry"),
    }


def test_every_page_renders_without_inline_script_or_style(login, owner, every_page):
    client = login(owner)
    for name, url in every_page.items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        page = parse(response)
        assert page.inline_scripts == 0, name
        assert not page.inline_styles, (name, page.inline_styles)
        assert not page.handlers, (name, page.handlers)
        assert not page.external, (name, page.external)
        assert len(set(page.ids)) == len(page.ids), (name, "duplicate ids")
        html = response.content.decode()
        assert html.count("<h1") == 1, name


def test_every_post_form_carries_a_csrf_token(login, owner, every_page):
    client = login(owner)
    for name, url in every_page.items():
        page = parse(client.get(url))
        for form in page.forms:
            if form["method"] == "post":
                assert form["csrf"], name


def test_every_control_has_a_label(login, owner, every_page):
    client = login(owner)
    for name, url in every_page.items():
        page = parse(client.get(url))
        for control in page.controls:
            labelled = (
                control.get("id") in page.labels_for
                or control.get("aria-label")
                or control.get("aria-labelledby")
            )
            assert labelled, (name, control)


def test_login_page_has_no_inline_script(client):
    response = client.get(reverse("login"))
    page = parse(response)
    assert response.status_code == 200
    assert page.inline_scripts == 0 and not page.inline_styles and not page.handlers


def test_a_new_key_is_never_in_a_page_after_the_one_that_shows_it(login, owner, workspace):
    client = login(owner)
    response = client.post(
        reverse("tenancy:key_list", args=[workspace.slug]), {"name": "ci", "role": "viewer"}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    raw = response.context["created"]["raw"]
    assert raw in response.content.decode()
    assert ApiKey.objects.get(name="ci").prefix in raw
    again = client.get(reverse("tenancy:key_list", args=[workspace.slug]))
    assert raw not in again.content.decode()
