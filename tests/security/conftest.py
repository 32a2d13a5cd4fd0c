"""The victim workspace (objects of every kind, recognisable names) and the outsiders."""

from dataclasses import dataclass

import pytest
from django.test import Client

from connectors import services
from syncs import services as sync_services
from syncs.models import Document, SyncTrigger
from tenancy import services as tenancy_services
from tenancy.models import ApiKeyRole, Role
from tests.conftest import SECRET_PASSWORD
from webhooks.services import webhook_create

VICTIM_MARKERS = [
    "Victim Works",
    "victim-works",
    "Victim space",
    "Victim collection",
    "victim-connector",
    "Victim document title",
    "Victim document text",
    "victim-hook",
    "victim-owner",
    "victim-key",
    SECRET_PASSWORD,
]


@dataclass
class Victim:
    workspace: object
    space: object
    collection: object
    connector: object
    document: object
    sync: object
    webhook: object
    owner: object
    api_key: object

    def path_values(self, registry_id: str) -> dict:
        return {
            "workspace": self.workspace.slug,
            "space": self.space.pk,
            "collection": self.collection.pk,
            "connector": self.connector.pk,
            "connector_name": self.connector.name,
            "document": self.document.pk,
            "sync": self.sync.pk,
            "webhook": self.webhook.pk,
            "registry_id": registry_id,
            "definition": self.connector.definition_id,
            "key_prefix": self.api_key.prefix,
            "member": self.owner.pk,
        }

    def ids(self) -> list[str]:
        return [
            str(value)
            for value in (
                self.workspace.pk,
                self.space.pk,
                self.collection.pk,
                self.connector.pk,
                self.sync.pk,
                self.webhook.pk,
            )
        ]


@pytest.fixture
def victim(make_user, definition, django_capture_on_commit_callbacks):
    """Committed callbacks run, so that the victim's audit trail exists."""
    with django_capture_on_commit_callbacks(execute=True):
        return _make_victim(make_user, definition)


def _make_victim(make_user, definition) -> Victim:
    owner = make_user("victim-owner")
    workspace = tenancy_services.workspace_create(
        actor=owner, name="Victim Works", slug="victim-works"
    )
    space = tenancy_services.space_create(actor=owner, workspace=workspace, name="Victim space")
    collection = tenancy_services.collection_create(
        actor=owner, space=space, name="Victim collection"
    )
    connector = services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=definition,
        name="victim-connector",
        config={
            "connector_config": {
                "host": "db.victim.example",
                "port": 5432,
                "password": SECRET_PASSWORD,
            }
        },
        collections=[collection],
    )
    sync = sync_services.sync_trigger(
        actor=owner, connector=connector, trigger=SyncTrigger.API, collection=collection
    )
    document = Document.objects.create(
        connector=connector,
        external_id="victim-doc",
        title="Victim document title",
        content="Victim document text",
        content_hash="h",
    )
    webhook, _ = webhook_create(
        actor=owner,
        workspace=workspace,
        url="http://127.0.0.1:9/victim-hook",
        events=["sync.failed"],
    )
    api_key, _ = tenancy_services.api_key_create(
        actor=owner, workspace=workspace, name="victim-key"
    )
    return Victim(workspace, space, collection, connector, document, sync, webhook, owner, api_key)


def key_client(raw_key: str) -> Client:
    return Client(HTTP_X_API_KEY=raw_key)


@pytest.fixture
def outsiders(victim, make_user):
    """``{name: a function giving a fresh Django test client}`` (a page may log a session out);
    sessions do not enforce CSRF here, so that what is proven is the authorisation itself.
    ``viewer_member`` is the only one who belongs to the victim workspace (as a viewer)."""
    attacker = make_user("attacker")
    theirs = tenancy_services.workspace_create(actor=attacker, name="Attacker", slug="attacker")
    _, other_key = tenancy_services.api_key_create(
        actor=attacker, workspace=theirs, name="attacker"
    )
    _, viewer_key = tenancy_services.api_key_create(
        actor=victim.owner, workspace=victim.workspace, name="viewer", role=ApiKeyRole.VIEWER
    )
    stranger = make_user("stranger")
    victim_viewer = make_user("victim-viewer")
    tenancy_services.membership_set(
        actor=victim.owner, workspace=victim.workspace, user=victim_viewer, role=Role.VIEWER
    )

    def session_of(user):
        def client():
            session = Client()
            session.force_login(user)
            return session

        return client

    return {
        "other_key": lambda: key_client(other_key),
        "stranger": session_of(stranger),
        "viewer": lambda: key_client(viewer_key),
        "anonymous": Client,
        "other_member": session_of(attacker),
        "viewer_member": session_of(victim_viewer),
    }


@pytest.fixture
def staff_outsider(make_user, victim, django_capture_on_commit_callbacks):
    """A staff user (may use the admin) who owns another workspace, not the victim's."""
    user = make_user("staff-outsider", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        theirs = tenancy_services.workspace_create(actor=user, name="Staff own", slug="staff-own")
        tenancy_services.membership_set(actor=user, workspace=theirs, user=user, role=Role.OWNER)
    client = Client()
    client.force_login(user)
    return client
