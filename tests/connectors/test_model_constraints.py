"""The database itself refuses what the domain forbids, whatever code path writes."""

import pytest
from django.db import IntegrityError, transaction

from connectors.models import Connector, ConnectorCollection
from registry.models import ConnectorDefinition
from syncs.models import Sync, SyncStatus, SyncTrigger
from tenancy.models import Membership, Role, Workspace

pytestmark = pytest.mark.database


def _raises_integrity(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_workspace_slug_is_unique(workspace):
    _raises_integrity(lambda: Workspace.objects.create(name="Again", slug=workspace.slug))


def test_definition_connector_id_and_version_are_unique(definition):
    _raises_integrity(
        lambda: ConnectorDefinition.objects.create(
            connector_id=definition.connector_id,
            version=definition.version,
            name="dup",
            implementation="x",
        )
    )


def test_definition_registry_id_is_derived(definition):
    assert definition.registry_id == "test-db-1.0.0"


def test_membership_pair_is_unique(workspace, owner):
    _raises_integrity(
        lambda: Membership.objects.create(user=owner, workspace=workspace, role=Role.VIEWER)
    )


def test_membership_role_is_checked(workspace, make_user):
    user = make_user("someone")
    _raises_integrity(
        lambda: Membership.objects.create(user=user, workspace=workspace, role="king")
    )


def test_connector_name_unique_among_visible_connectors_only(make_connector, workspace, definition):
    first = make_connector(name="dup")
    _raises_integrity(
        lambda: Connector.objects.create(workspace=workspace, definition=definition, name="dup")
    )
    Connector.objects.filter(pk=first.pk).update(deleted_at="2026-01-01T00:00:00Z")
    Connector.objects.create(workspace=workspace, definition=definition, name="dup")


def test_connector_state_is_checked(make_connector):
    connector = make_connector()
    _raises_integrity(lambda: Connector.objects.filter(pk=connector.pk).update(state="exploded"))


def test_association_pair_is_unique(make_connector, collection):
    connector = make_connector()
    ConnectorCollection.objects.create(connector=connector, collection=collection)
    _raises_integrity(
        lambda: ConnectorCollection.objects.create(connector=connector, collection=collection)
    )


def test_one_active_sync_per_connector(make_connector):
    connector = make_connector()
    Sync.objects.create(connector=connector, trigger=SyncTrigger.API, status=SyncStatus.SUCCEEDED)
    Sync.objects.create(connector=connector, trigger=SyncTrigger.API, status=SyncStatus.FAILED)
    Sync.objects.create(connector=connector, trigger=SyncTrigger.API, status=SyncStatus.QUEUED)
    for status in (SyncStatus.QUEUED, SyncStatus.RUNNING, SyncStatus.CANCELLING):
        _raises_integrity(
            lambda s=status: Sync.objects.create(
                connector=connector, trigger=SyncTrigger.API, status=s
            )
        )
    other = make_connector(name="other")
    Sync.objects.create(connector=other, trigger=SyncTrigger.API, status=SyncStatus.RUNNING)


def test_document_external_id_unique_per_connector(make_connector):
    from syncs.models import Document

    first, second = make_connector(name="a"), make_connector(name="b")
    Document.objects.create(connector=first, external_id="x", content_hash="h")
    Document.objects.create(connector=second, external_id="x", content_hash="h")
    _raises_integrity(
        lambda: Document.objects.create(connector=first, external_id="x", content_hash="h")
    )
