"""API keys (shown once, listed by prefix, revoked) and members (invite, create, role, remove,
never the last owner) of a workspace, for its owners."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tenancy.models import ApiKey, Membership, Role

pytestmark = pytest.mark.database


def keys_url(workspace):
    return reverse("tenancy:key_list", args=[workspace.slug])


def members_url(workspace):
    return reverse("tenancy:member_list", args=[workspace.slug])


def test_a_key_is_shown_once_then_listed_by_prefix_and_revoked(login, owner, workspace):
    client = login(owner)
    created = client.post(keys_url(workspace), {"name": "exporter", "role": "admin"})
    raw = created.context["created"]["raw"]
    key = ApiKey.objects.get(name="exporter")
    assert key.workspace == workspace and key.role == "admin" and not key.registry
    listing = client.get(keys_url(workspace)).content.decode()
    assert raw not in listing
    assert f"{key.prefix}…" in listing and "Never" in listing

    assert client.get("/v1/spaces", HTTP_X_API_KEY=raw).status_code == 200
    assert "just now" in client.get(keys_url(workspace)).content.decode()

    client.post(reverse("tenancy:key_revoke", args=[workspace.slug, key.prefix]))
    key.refresh_from_db()
    assert key.revoked
    assert client.get("/v1/spaces", HTTP_X_API_KEY=raw).status_code in (401, 403)
    assert "Revoked" in client.get(keys_url(workspace)).content.decode()


def test_a_key_name_is_required(login, owner, workspace):
    response = login(owner).post(keys_url(workspace), {"name": "", "role": "viewer"})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    assert not ApiKey.objects.exists()


def test_only_staff_may_create_registry_keys(login, owner, workspace, make_user):
    login(owner).post(keys_url(workspace), {"name": "sneaky", "role": "admin", "registry": "on"})
    assert not ApiKey.objects.get(name="sneaky").registry
    staff = make_user("staffer", is_staff=True)
    Membership.objects.create(user=staff, workspace=workspace, role=Role.OWNER)
    assert (
        "May also write the connector registry"
        in login(staff).get(keys_url(workspace)).content.decode()
    )
    login(staff).post(keys_url(workspace), {"name": "ci", "role": "admin", "registry": "on"})
    assert ApiKey.objects.get(name="ci").registry


def test_a_key_of_another_workspace_cannot_be_revoked(login, owner, workspace, other_workspace):
    key, _ = ApiKey.objects.create_key(workspace=other_workspace, name="theirs")
    response = login(owner).post(reverse("tenancy:key_revoke", args=[workspace.slug, key.prefix]))
    assert response.status_code == 404
    key.refresh_from_db()
    assert not key.revoked


def test_inviting_an_existing_user_by_name_or_email(login, owner, workspace, make_user):
    make_user("grace", email="grace@example.com")
    make_user("linus")
    client = login(owner)
    client.post(
        members_url(workspace),
        {"form": "invite", "invite-user": "grace@example.com", "invite-role": "editor"},
    )
    client.post(
        members_url(workspace), {"form": "invite", "invite-user": "linus", "invite-role": "viewer"}
    )
    roles = dict(
        Membership.objects.filter(workspace=workspace).values_list("user__username", "role")
    )
    assert roles == {"owner": "owner", "grace": "editor", "linus": "viewer"}
    response = client.post(
        members_url(workspace), {"form": "invite", "invite-user": "nobody", "invite-role": "viewer"}
    )
    assert response.status_code == 400
    assert "No active account has this username or e-mail" in response.content.decode()


def test_creating_an_account_applies_the_password_rules(login, owner, workspace):
    client = login(owner)
    weak = client.post(
        members_url(workspace),
        {"form": "create", "new-username": "newbie", "new-password": "123", "new-role": "viewer"},
    )
    assert weak.status_code == 400
    assert "too short" in weak.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()
    client.post(
        members_url(workspace),
        {
            "form": "create",
            "new-username": "newbie",
            "new-email": "n@example.com",
            "new-password": "a-Long-enough-passphrase-9",
            "new-role": "editor",
        },
    )
    user = get_user_model().objects.get(username="newbie")
    assert user.check_password("a-Long-enough-passphrase-9")
    assert Membership.objects.get(user=user, workspace=workspace).role == "editor"
    taken = client.post(
        members_url(workspace),
        {
            "form": "create",
            "new-username": "NEWBIE",
            "new-password": "another-Long-one-77",
            "new-role": "viewer",
        },
    )
    assert "already exists" in taken.content.decode()


def test_roles_change_but_the_last_owner_stays(login, owner, editor, workspace):
    client = login(owner)
    client.post(
        reverse("tenancy:member_role", args=[workspace.slug, editor.pk]), {"role": "viewer"}
    )
    assert Membership.objects.get(user=editor).role == "viewer"
    response = client.post(
        reverse("tenancy:member_role", args=[workspace.slug, owner.pk]),
        {"role": "editor"},
        follow=True,
    )
    assert "keeps at least one owner" in response.content.decode()
    assert Membership.objects.get(user=owner).role == "owner"
    response = client.post(
        reverse("tenancy:member_remove", args=[workspace.slug, owner.pk]), follow=True
    )
    assert "keeps at least one owner" in response.content.decode()
    assert Membership.objects.filter(user=owner, workspace=workspace).exists()


def test_removing_members_and_giving_up_ownership(login, owner, editor, workspace, make_user):
    client = login(owner)
    client.post(reverse("tenancy:member_remove", args=[workspace.slug, editor.pk]))
    assert not Membership.objects.filter(user=editor).exists()
    second = make_user("second-owner")
    Membership.objects.create(user=second, workspace=workspace, role=Role.OWNER)
    response = client.post(
        reverse("tenancy:member_role", args=[workspace.slug, owner.pk]), {"role": "viewer"}
    )
    assert response["Location"] == reverse("syncs:dashboard", args=[workspace.slug])
    assert login(owner).get(members_url(workspace)).status_code == 403


def test_a_member_of_another_workspace_cannot_be_changed(login, owner, workspace, other_workspace):
    stranger = other_workspace.memberships.get().user
    response = login(owner).post(
        reverse("tenancy:member_role", args=[workspace.slug, stranger.pk]), {"role": "viewer"}
    )
    assert response.status_code == 404
    assert Membership.objects.get(user=stranger).role == "owner"
