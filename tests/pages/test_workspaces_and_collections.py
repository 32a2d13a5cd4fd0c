"""The workspace switcher (shared with the API's session requests), spaces and collections."""

import pytest
from django.urls import reverse

from config.api.base import SESSION_WORKSPACE_KEY
from tenancy import services
from tenancy.models import Collection, Role, Space

pytestmark = pytest.mark.database


def test_home_opens_the_dashboard_of_the_chosen_workspace(login, owner, workspace):
    response = login(owner).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("syncs:dashboard", args=[workspace.slug])


def test_a_user_without_workspace_is_told_so(login, outsider):
    response = login(outsider).get("/")
    assert response.status_code == 200
    assert "not a member of any workspace" in response.content.decode()


def test_the_switcher_stores_the_workspace_the_api_then_acts_on(login, owner, workspace):
    second = services.workspace_create(actor=owner, name="Second", slug="second")
    services.space_create(actor=owner, workspace=second, name="Only in second")
    services.space_create(actor=owner, workspace=workspace, name="Only in acme")
    client = login(owner)

    response = client.post(reverse("connectors:workspace_switch"), {"workspace": "second"})
    assert response["Location"] == reverse("syncs:dashboard", args=["second"])
    assert client.session[SESSION_WORKSPACE_KEY] == str(second.pk)
    names = [s["name"] for s in client.get("/v1/spaces").json()["data"]]
    assert names == ["Only in second"]

    client.get(reverse("connectors:space_list", args=[workspace.slug]))
    assert client.session[SESSION_WORKSPACE_KEY] == str(workspace.pk)
    names = [s["name"] for s in client.get("/v1/spaces").json()["data"]]
    assert names == ["Only in acme"]
    assert client.get("/").url == reverse("syncs:dashboard", args=[workspace.slug])


def test_the_switcher_refuses_a_workspace_of_someone_else(login, owner, other_workspace):
    client = login(owner)
    assert (
        client.post(reverse("connectors:workspace_switch"), {"workspace": "other"}).status_code
        == 404
    )
    assert SESSION_WORKSPACE_KEY not in client.session
    assert client.get(reverse("connectors:workspace_switch")).status_code == 405


def test_the_switcher_lists_only_the_users_workspaces(login, owner, workspace, other_workspace):
    page = login(owner).get(reverse("syncs:dashboard", args=[workspace.slug]))
    html = page.content.decode()
    assert 'value="acme" selected' in html
    assert 'value="other"' not in html


def test_creating_a_space_and_a_duplicate_name_shown_inline(login, editor, workspace):
    client = login(editor)
    url = reverse("connectors:space_list", args=[workspace.slug])
    response = client.post(url, {"space-name": "Research", "space-description": "Papers"})
    space = Space.objects.get(name="Research")
    assert response["Location"] == reverse(
        "connectors:space_detail", args=[workspace.slug, space.pk]
    )
    again = client.post(url, {"space-name": "Research"})
    assert again.status_code == 200
    html = again.content.decode()
    assert 'role="alert"' in html
    assert "A space with this name already exists" in html
    assert 'aria-invalid="true"' in html
    assert Space.objects.filter(name="Research").count() == 1


def test_renaming_a_space_and_creating_collections_in_it(login, editor, workspace, space):
    client = login(editor)
    url = reverse("connectors:space_detail", args=[workspace.slug, space.pk])
    client.post(url, {"form": "rename", "rename-name": "Science", "rename-description": "d"})
    space.refresh_from_db()
    assert (space.name, space.description) == ("Science", "d")
    client.post(url, {"form": "collection", "collection-name": "Theses"})
    assert Collection.objects.filter(space=space, name="Theses").exists()
    page = client.get(url).content.decode()
    assert "Theses" in page


def test_a_space_with_collections_is_not_deleted(login, editor, workspace, space, collection):
    client = login(editor)
    url = reverse("connectors:space_delete", args=[workspace.slug, space.pk])
    page = client.get(url).content.decode()
    assert "still holds collections" in page
    response = client.post(url, follow=True)
    assert "still has collections" in response.content.decode()
    assert Space.objects.filter(pk=space.pk).exists()


def test_deleting_asks_first_then_deletes(login, editor, workspace, space):
    client = login(editor)
    url = reverse("connectors:space_delete", args=[workspace.slug, space.pk])
    confirm = client.get(url)
    assert 'method="post"' in confirm.content.decode()
    assert Space.objects.filter(pk=space.pk).exists()
    response = client.post(url)
    assert response["Location"] == reverse("connectors:space_list", args=[workspace.slug])
    assert not Space.objects.filter(pk=space.pk).exists()


def test_deleting_a_collection_keeps_its_connectors(
    login, editor, workspace, collection, associated
):
    client = login(editor)
    url = reverse("connectors:collection_delete", args=[workspace.slug, collection.pk])
    assert "1 connector will be removed" in client.get(url).content.decode()
    client.post(url)
    assert not Collection.objects.filter(pk=collection.pk).exists()
    associated.refresh_from_db()
    assert associated.deleted_at is None


def test_renaming_a_collection_and_listing_its_connectors(
    login, editor, workspace, collection, associated
):
    client = login(editor)
    url = reverse("connectors:collection_detail", args=[workspace.slug, collection.pk])
    assert associated.name in client.get(url).content.decode()
    client.post(url, {"rename-name": "Reports", "rename-description": ""})
    collection.refresh_from_db()
    assert collection.name == "Reports"
    response = client.post(url, {"rename-name": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_a_viewer_sees_no_edit_forms(login, viewer, workspace, space):
    html = login(viewer).get(reverse("connectors:space_list", args=[workspace.slug])).content
    assert b"New space" not in html


def test_filtering_spaces_by_name(login, owner, workspace, space):
    services.space_create(actor=owner, workspace=workspace, name="Marketing")
    page = login(owner).get(
        reverse("connectors:space_list", args=[workspace.slug]), {"name": "mark"}
    )
    assert [s.name for s in page.context["spaces"]] == ["Marketing"]


def test_owners_and_superusers_see_the_settings_links(login, owner, editor, workspace):
    url = reverse("syncs:dashboard", args=[workspace.slug])
    assert b"API keys" in login(owner).get(url).content
    assert b"API keys" not in login(editor).get(url).content
    assert Role.OWNER == "owner"
