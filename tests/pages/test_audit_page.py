"""The audit trail page: a workspace's owners read who changed what, when and from where, filtered
and paged by id, secrets masked; nobody else reads it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import ActorType, AuditEntry
from connectors import services
from tenancy import services as tenancy_services
from tests.conftest import SECRET_PASSWORD
from tests.leaks import Secrets

pytestmark = pytest.mark.database

NEW_SECRET = "Rotated-Audit-Page-Secret-31"


def audit_url(workspace, **query):
    url = reverse("audit:entry_list", args=[workspace.slug])
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def actions_shown(response) -> list[str]:
    return [entry.action for entry in response.context["entries"]]


@pytest.fixture
def recorded(owner, workspace, definition, make_user, django_capture_on_commit_callbacks):
    """Changes made through the services, their audit entries recorded as after a commit: a
    space, a connector with a secret whose credentials are then changed, and another workspace's
    connector."""
    with django_capture_on_commit_callbacks(execute=True):
        space = tenancy_services.space_create(actor=owner, workspace=workspace, name="Research")
        connector = services.connector_create(
            actor=owner,
            workspace=workspace,
            definition=definition,
            name="warehouse",
            config={"connector_config": {"host": "db", "port": 5432, "password": SECRET_PASSWORD}},
        )
        services.connector_update(
            actor=owner,
            connector=connector,
            config={"connector_config": {"host": "db", "port": 5432, "password": NEW_SECRET}},
        )
        stranger = make_user("someone-else")
        theirs = tenancy_services.workspace_create(actor=stranger, name="Theirs", slug="theirs")
        tenancy_services.space_create(actor=stranger, workspace=theirs, name="Their secret space")
    return {"space": space, "connector": connector}


def test_owners_read_their_workspace_trail_with_secrets_masked(login, owner, workspace, recorded):
    response = login(owner).get(audit_url(workspace))
    assert response.status_code == 200
    html = response.content.decode()
    actions = actions_shown(response)
    assert {"space.created", "connector.created", "connector.updated"} <= set(actions)
    assert actions.index("space.created") > actions.index("connector.created")  # newest first
    assert "user:owner" in html
    assert str(recorded["connector"].pk) in html
    assert "Their secret space" not in html and "theirs" not in actions
    assert all(e.workspace_id == workspace.pk for e in response.context["entries"])
    Secrets(SECRET_PASSWORD, NEW_SECRET).assert_not_in_response(response)


def test_the_trail_filters_by_event_actor_object_and_time(login, owner, workspace, recorded):
    client = login(owner)
    connector = recorded["connector"]
    assert set(actions_shown(client.get(audit_url(workspace, action="space.created")))) == {
        "space.created"
    }
    by_object = client.get(
        audit_url(workspace, object_type="connector", object_id=str(connector.pk))
    )
    shown = by_object.context["entries"]
    assert shown and all(e.object_id == str(connector.pk) for e in shown)
    assert not actions_shown(client.get(audit_url(workspace, actor="user:nobody")))
    later = (timezone.now() + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert not actions_shown(client.get(audit_url(workspace, at_after=later)))
    assert actions_shown(client.get(audit_url(workspace, at_before=later)))
    # A filter link on each row narrows the trail to that event.
    assert 'href="?action=space.created"' in client.get(audit_url(workspace)).content.decode()


def test_a_bad_date_is_named_and_the_page_still_renders(login, owner, workspace, recorded):
    response = login(owner).get(audit_url(workspace, at_after="yesterday-ish"))
    assert response.status_code == 200
    assert response.context["filter"].errors
    assert 'role="alert"' in response.content.decode()


def test_the_trail_pages_by_id_without_overlap_or_gaps(login, owner, workspace):
    now = timezone.now()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            at=now + timedelta(seconds=index),
            workspace_id=workspace.pk,
            action="connector.updated",
            actor="user:owner",
            actor_type=ActorType.USER,
            object_type="connector",
            object_id=f"c{index}",
        )
        for index in range(120)
    )
    client = login(owner)
    seen, url, pages = [], audit_url(workspace, action="connector.updated"), 0
    while url:
        response = client.get(url)
        pages += 1
        seen += [entry.object_id for entry in response.context["entries"]]
        older = response.context["pager"]["older"]
        url = audit_url(workspace, action="connector.updated", before=older) if older else None
    assert pages == 3
    assert seen == [f"c{index}" for index in reversed(range(120))]
    back = client.get(audit_url(workspace, action="connector.updated", after=seen[-1]))
    assert back.context["entries"][0].object_id == "c119"  # newer: back to the top
    junk = client.get(audit_url(workspace, before="not-an-id"))
    assert junk.status_code == 200 and len(junk.context["entries"]) == 50


def test_only_owners_read_the_trail(login, workspace, editor, viewer, outsider, recorded):
    for user, status in ((editor, 403), (viewer, 403), (outsider, 404)):
        response = login(user).get(audit_url(workspace))
        assert response.status_code == status, user
        assert "connector.created" not in response.content.decode()


def test_the_trail_is_in_the_owners_navigation_only(login, owner, editor, workspace):
    dashboard = reverse("syncs:dashboard", args=[workspace.slug])
    assert audit_url(workspace) in login(owner).get(dashboard).content.decode()
    assert audit_url(workspace) not in login(editor).get(dashboard).content.decode()


def test_objects_are_named_and_linked_with_one_query_per_kind(
    login, owner, workspace, recorded, definition, django_capture_on_commit_callbacks
):
    client = login(owner)
    connector, space = recorded["connector"], recorded["space"]
    html = client.get(audit_url(workspace)).content.decode()
    connector_url = reverse("connectors:connector_detail", args=[workspace.slug, connector.pk])
    space_url = reverse("connectors:space_detail", args=[workspace.slug, space.pk])
    assert f'<a href="{connector_url}" title="{connector.pk}">warehouse</a>' in html
    assert f'<a href="{space_url}" title="{space.pk}">Research</a>' in html

    with CaptureQueriesContext(connection) as before:
        client.get(audit_url(workspace))
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("more-1", "more-2", "more-3"):
            gone = services.connector_create(
                actor=owner, workspace=workspace, definition=definition, name=name
            )
        services.connector_delete(actor=owner, connector=gone)
    with CaptureQueriesContext(connection) as after:
        html = client.get(audit_url(workspace)).content.decode()
    assert len(after) == len(before)
    assert ">more-1</a>" in html and ">more-3</a>" not in html  # deleted: its id only
    assert str(gone.pk) in html
