"""Who sees and changes what: viewers see, editors change, owners manage keys and members, and a
workspace someone does not belong to does not exist for them (404). Refused actions change
nothing."""

import pytest
from django.urls import reverse

from connectors.lifecycle import State
from connectors.models import Connector
from syncs.models import Sync
from tenancy.models import ApiKey, Collection, Membership, Space

pytestmark = pytest.mark.database


@pytest.fixture
def urls(workspace, space, collection, associated, finished_sync, documents, catalog):
    slug, connector = workspace.slug, associated

    def url(name, *args):
        return reverse(name, args=[slug, *args])

    return {
        "view": [
            url("syncs:dashboard"),
            url("connectors:space_list"),
            url("connectors:space_detail", space.pk),
            url("connectors:collection_detail", collection.pk),
            url("syncs:collection_documents", collection.pk),
            url("registry:catalog"),
            url("connectors:connector_list"),
            url("connectors:connector_detail", connector.pk),
            url("syncs:connector_documents", connector.pk),
            url("syncs:document_detail", documents[0].pk),
            url("syncs:sync_detail", finished_sync.pk),
            url("syncs:sync_live", finished_sync.pk),
            url("syncs:connector_activity", connector.pk),
            url("syncs:running"),
            url("connectors:schedule_preview") + "?schedule-type=cron&schedule-cron=0+6+*+*+*",
        ],
        "edit": [
            url("connectors:connector_create", catalog["sample-data"].registry_id),
            url("connectors:connector_edit", connector.pk),
            url("connectors:connector_delete", connector.pk),
            url("connectors:space_delete", space.pk),
            url("connectors:collection_delete", collection.pk),
        ],
        "manage": [url("tenancy:key_list"), url("tenancy:member_list")],
    }


def test_a_viewer_sees_but_cannot_open_the_pages_that_change(login, viewer, urls):
    client = login(viewer)
    for url in urls["view"]:
        assert client.get(url).status_code == 200, url
    for url in urls["edit"] + urls["manage"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Not allowed" in response.content.decode()


def test_an_editor_changes_but_does_not_manage(login, editor, urls):
    client = login(editor)
    for url in urls["view"] + urls["edit"]:
        assert client.get(url).status_code == 200, url
    for url in urls["manage"]:
        assert client.get(url).status_code == 403, url


def test_an_owner_opens_everything(login, owner, urls):
    client = login(owner)
    for url in urls["view"] + urls["edit"] + urls["manage"]:
        assert client.get(url).status_code == 200, url


def test_an_outsider_finds_nothing(login, outsider, urls):
    client = login(outsider)
    for url in urls["view"] + urls["edit"] + urls["manage"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Not found" in response.content.decode()


def test_a_member_of_another_workspace_finds_nothing_here(login, other_workspace, urls):
    stranger = Membership.objects.get(workspace=other_workspace).user
    client = login(stranger)
    for url in urls["view"]:
        assert client.get(url).status_code == 404, url


def test_anonymous_visitors_are_sent_to_the_login_page(client, urls):
    for url in urls["view"] + urls["edit"] + urls["manage"] + [reverse("registry:registry")]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


@pytest.fixture
def actions(workspace, space, collection, associated, owner, make_user):
    """Every state-changing POST of the pages, with how to tell it happened."""
    slug, connector = workspace.slug, associated
    member = make_user("member-x")
    Membership.objects.create(user=member, workspace=workspace, role="viewer")
    key = ApiKey.objects.create_key(workspace=workspace, name="k")[0]

    def url(name, *args):
        return reverse(name, args=[slug, *args])

    def state():
        connector.refresh_from_db()
        return connector.state

    return [
        (url("connectors:space_list"), {"space-name": "New"}, lambda: Space.objects.count()),
        (
            url("connectors:space_detail", space.pk),
            {"form": "collection", "collection-name": "More"},
            lambda: Collection.objects.count(),
        ),
        (url("connectors:connector_state", connector.pk), {"action": "stop"}, state),
        (url("syncs:sync_now", connector.pk), {}, lambda: Sync.objects.count()),
        (
            url("connectors:connector_collection_remove", connector.pk, collection.pk),
            {},
            lambda: connector.collections.count(),
        ),
        (
            url("connectors:connector_delete", connector.pk),
            {},
            lambda: Connector.objects.count(),
        ),
        (url("tenancy:key_list"), {"name": "x", "role": "viewer"}, ApiKey.objects.count),
        (
            url("tenancy:key_revoke", key.prefix),
            {},
            lambda: ApiKey.objects.get(pk=key.pk).revoked,
        ),
        (
            url("tenancy:member_role", member.pk),
            {"role": "owner"},
            lambda: Membership.objects.get(user=member).role,
        ),
        (
            url("tenancy:member_remove", member.pk),
            {},
            lambda: Membership.objects.filter(user=member).count(),
        ),
    ]


def test_refused_posts_change_nothing(login, viewer, editor, outsider, actions):
    """Viewers change nothing (403), editors manage nothing (403), outsiders find nothing (404)."""
    for user in (viewer, editor, outsider):
        client = login(user)
        for url, data, observe in actions:
            manage_only = "/keys/" in url or "/members/" in url
            if user is editor and not manage_only:
                continue  # editors may do these: tested with the pages themselves
            before = observe()
            response = client.post(url, data)
            expected = 404 if user is outsider else 403
            assert response.status_code == expected, (user, url, response.status_code)
            assert observe() == before, (user, url)


def test_state_changes_refuse_get(login, owner, workspace, associated):
    client = login(owner)
    connector = associated
    for name in ("connectors:connector_state", "syncs:sync_now", "syncs:connector_upload"):
        url = reverse(name, args=[workspace.slug, connector.pk])
        assert client.get(url).status_code == 405, name
    connector.refresh_from_db()
    assert connector.state == State.STARTING
    assert not Sync.objects.filter(connector=connector).exclude(status="failed").exists()


def test_every_form_needs_its_csrf_token(owner, workspace, space):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(
        reverse("connectors:space_list", args=[workspace.slug]), {"space-name": "X"}
    )
    assert response.status_code == 403
    assert not Space.objects.filter(name="X").exists()
    response = client.post(reverse("connectors:workspace_switch"), {"workspace": workspace.slug})
    assert response.status_code == 403
