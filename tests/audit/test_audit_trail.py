"""The audit trail: every change to workspaces, connectors, credentials, definitions, keys,
webhooks and syncs is recorded after it commits, with who (user or key), what, when and from
which address, secrets masked; owners and admin keys read their workspace's trail through the
API, newest first, keyset-paginated."""

import json

import pytest
from django.test import Client

from audit.models import AuditEntry
from connectors import services
from connectors.models import IdempotencyRecord
from registry.models import ConnectorDefinition
from registry.services import definition_retire
from tenancy import services as tenancy_services
from tenancy.models import ApiKey, ApiKeyRole, Role
from tests.leaks import Secrets

pytestmark = pytest.mark.database

SECRET = "Audit-Secret-Never-Kept-77"
CLIENT_IP = "203.0.113.9"


def key_client(workspace, owner, role=ApiKeyRole.ADMIN, name="k", **extra) -> tuple[Client, str]:
    api_key, raw = tenancy_services.api_key_create(
        actor=owner, workspace=workspace, name=name, role=role
    )
    return Client(HTTP_X_API_KEY=raw, REMOTE_ADDR=CLIENT_IP, **extra), api_key.prefix


@pytest.mark.django_db(transaction=True)
def test_changes_through_the_api_are_recorded_with_who_what_when_and_where(
    workspace, owner, definition
):
    api, prefix = key_client(workspace, owner)
    space = api.post("/v1/spaces", {"name": "S"}, content_type="application/json").json()
    collection = api.post(
        f"/v1/spaces/{space['id']}/collections", {"name": "C"}, content_type="application/json"
    ).json()
    base = f"/v1/spaces/{space['id']}/collections/{collection['id']}/connectors"
    connector = api.post(
        base,
        {
            "name": "db",
            "type": "test-db",
            "config": {"connector_config": {"host": "h", "port": 5432}},
            "credentials": {"connector_config": {"password": SECRET}},
        },
        content_type="application/json",
    ).json()
    patched = api.patch(
        f"{base}/{connector['id']}",
        {"credentials": {"connector_config": {"password": SECRET + "-rotated"}}},
        content_type="application/json",
    )
    assert patched.status_code == 200
    assert api.post(f"/connectors/{connector['id']}/stop").status_code == 200
    assert api.delete(f"{base}/{connector['id']}").status_code == 204

    entries = list(AuditEntry.objects.filter(workspace_id=workspace.pk).order_by("id"))
    by_key = [e for e in entries if e.actor == f"key:{prefix}"]
    actions = [e.action for e in by_key]
    for expected in (
        "space.created",
        "collection.created",
        "connector.created",
        "connector.associated",
        "connector.updated",
        "connector.state_changed",
        "connector.deleted",
    ):
        assert expected in actions, (expected, actions)
    assert {e.actor_type for e in by_key} == {"key"}
    assert {e.ip for e in by_key} == {CLIENT_IP}
    updated = next(e for e in by_key if e.action == "connector.updated")
    assert "credentials" in updated.data["fields"]  # a credential change is named as such
    stopped = next(e for e in by_key if e.action == "connector.state_changed")
    assert stopped.data["state"] == "stopped" and stopped.object_id == connector["id"]
    assert all(e.at is not None for e in entries)
    # The key itself was created by a person, without a request: no address.
    created_key = AuditEntry.objects.get(action="api_key.created", data__prefix=prefix)
    assert created_key.actor == "user:owner" and created_key.ip is None
    assert created_key.object_id == prefix  # never the key's primary key, which holds its hash
    hashed = ApiKey.objects.get(prefix=prefix).pk
    assert not AuditEntry.objects.filter(object_id=hashed).exists()
    Secrets(SECRET, SECRET + "-rotated").assert_not_in_text(
        json.dumps([e.data for e in entries]), where="the audit trail"
    )


@pytest.mark.django_db(transaction=True)
def test_definitions_keys_syncs_and_workspaces_are_recorded(catalog, owner, workspace):
    definition = ConnectorDefinition.objects.filter(connector_id="sample-data").first()
    definition_retire(actor=owner.__class__.objects.create_superuser("root"), definition=definition)
    api_key, _ = tenancy_services.api_key_create(actor=owner, workspace=workspace, name="temp")
    tenancy_services.api_key_revoke(actor=owner, api_key=api_key)
    tenancy_services.workspace_update(actor=owner, workspace=workspace, name="Renamed")
    connector = services.connector_create(
        actor=owner, workspace=workspace, definition=catalog["upload"], name="files", config={}
    )
    from syncs import services as sync_services
    from syncs.models import SyncTrigger

    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.MANUAL)
    sync_services.sync_cancel(actor=owner, sync=sync)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "definition.registered",
        "definition.retired",
        "api_key.created",
        "api_key.revoked",
        "workspace.created",
        "workspace.updated",
        "sync.queued",
        "sync.finished",
    } <= actions
    retired = AuditEntry.objects.get(action="definition.retired")
    assert retired.workspace_id is None and retired.actor == "user:root"
    assert AuditEntry.objects.get(action="sync.finished").data["status"] == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_the_api_list_is_the_keys_workspace_only_newest_first_and_paginated(
    workspace, owner, other_workspace, make_user
):
    for number in range(5):
        tenancy_services.space_create(actor=owner, workspace=workspace, name=f"space {number}")
    tenancy_services.space_create(actor=owner, workspace=other_workspace, name="theirs")
    api, _ = key_client(workspace, owner)
    first = api.get("/v1/audit?limit=3&action=space.created")
    assert first.status_code == 200
    page = first.json()
    assert len(page["data"]) == 3 and page["next_cursor"]
    rest = api.get(f"/v1/audit?limit=3&action=space.created&cursor={page['next_cursor']}").json()
    entries = page["data"] + rest["data"]
    assert len(entries) == 5 and rest["next_cursor"] is None
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)
    assert all(e["object_type"] == "space" for e in entries)
    everything = json.dumps(api.get("/v1/audit?limit=100").json())
    assert str(other_workspace.pk) not in everything and "theirs" not in everything

    viewer, _ = key_client(workspace, owner, role=ApiKeyRole.VIEWER, name="viewer")
    assert viewer.get("/v1/audit").status_code == 403
    editor = make_user("editor-person")
    tenancy_services.membership_set(actor=owner, workspace=workspace, user=editor, role=Role.EDITOR)
    session = Client()
    session.force_login(editor)
    assert session.get("/v1/audit").status_code == 403
    session.force_login(owner)
    assert session.get("/v1/audit", HTTP_X_WORKSPACE=workspace.slug).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_address_behind_a_trusted_proxy(workspace, owner, settings):
    api, _ = key_client(workspace, owner, HTTP_X_FORWARDED_FOR="198.51.100.7, 192.0.2.1")
    api.post("/v1/spaces", {"name": "direct"}, content_type="application/json")
    settings.CONNECTOR_HUB_TRUSTED_PROXY_COUNT = 1
    api.post("/v1/spaces", {"name": "proxied"}, content_type="application/json")
    ips = dict(AuditEntry.objects.filter(action="space.created").values_list("object_id", "ip"))
    assert sorted(ips.values()) == sorted([CLIENT_IP, "192.0.2.1"])


@pytest.mark.django_db(transaction=True)
def test_idempotency_records_keep_a_hash_of_the_body_never_the_body(workspace, owner, definition):
    api, _ = key_client(workspace, owner)
    space = tenancy_services.space_create(actor=owner, workspace=workspace, name="S")
    collection = tenancy_services.collection_create(actor=owner, space=space, name="C")
    body = {
        "name": "db",
        "type": "test-db",
        "config": {"connector_config": {"host": "h", "port": 5432}},
        "credentials": {"connector_config": {"password": SECRET}},
    }
    path = f"/v1/spaces/{space.pk}/collections/{collection.pk}/connectors"
    for _ in range(2):
        response = api.post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
        assert response.status_code == 201
    assert response["Idempotent-Replayed"] == "true"
    record = IdempotencyRecord.objects.get()
    assert len(record.request_hash) == 64 and int(record.request_hash, 16) >= 0
    hashed = ApiKey.objects.get(name="k").pk.split(".", 1)[1]
    assert hashed not in record.scope  # the key is named by its prefix, never by its hash
    Secrets(SECRET).assert_not_in_database()


@pytest.mark.django_db(transaction=True)
def test_the_admin_shows_owners_their_workspaces_entries_and_superusers_all(
    workspace, owner, other_workspace, make_user
):
    owner.is_staff = True
    owner.save()
    client = Client()
    client.force_login(owner)
    page = client.get("/admin/audit/auditentry/?action=workspace.created").content.decode()
    assert str(workspace.pk) in page and str(other_workspace.pk) not in page
    entry = AuditEntry.objects.filter(workspace_id=workspace.pk).first()
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
    theirs = AuditEntry.objects.filter(workspace_id=other_workspace.pk).first()
    assert client.get(f"/admin/audit/auditentry/{theirs.pk}/change/").status_code == 302
    root = Client()
    root.force_login(make_user("root", is_staff=True, is_superuser=True))
    everything = root.get("/admin/audit/auditentry/?action=workspace.created").content.decode()
    assert str(workspace.pk) in everything and str(other_workspace.pk) in everything
    assert root.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
