"""Workspaces, memberships, spaces, collections and API keys moved from the connectors app to the
tenancy app: an upgraded database keeps every row, every link to them, and the permissions
attached to their content types."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from connectors.models import Connector
from tenancy.models import ApiKey, Collection, Membership, Space, Workspace

pytestmark = pytest.mark.database

BEFORE_MOVE = [
    ("tenancy", None),
    ("registry", None),
    ("connectors", "0004_stored_masked_views"),
    ("syncs", "0006_sync_parts"),
    ("webhooks", "0002_documents_changed_event"),
]


def _fill_before_the_move(old, user) -> int:
    """A workspace with a member, a key, a space, a collection and a connector in it, and a
    group allowed to view workspaces, written as the connectors app stored them; the workspace
    content type's id."""
    workspace = old.get_model("connectors", "Workspace").objects.create(name="Acme", slug="acme")
    old.get_model("connectors", "Membership").objects.create(
        user_id=user.pk, workspace=workspace, role="owner"
    )
    space = old.get_model("connectors", "Space").objects.create(workspace=workspace, name="Sales")
    collection = old.get_model("connectors", "Collection").objects.create(space=space, name="Leads")
    old.get_model("connectors", "ApiKey").objects.create(
        id="k.1", prefix="k", hashed_key="h", name="ci", workspace=workspace
    )
    definition = old.get_model("connectors", "ConnectorDefinition").objects.create(
        connector_id="sample-data",
        version="1.0.0",
        registry_id="sample-data-1.0.0",
        name="Sample",
        implementation="sample-data",
    )
    connector = old.get_model("connectors", "Connector").objects.create(
        workspace=workspace, definition=definition, name="s1"
    )
    old.get_model("connectors", "ConnectorCollection").objects.create(
        connector=connector, collection=collection
    )
    workspace_type = ContentType.objects.get(app_label="connectors", model="workspace")
    Group.objects.create(name="auditors").permissions.add(
        Permission.objects.get(content_type=workspace_type, codename="view_workspace")
    )
    return workspace_type.pk


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_database_keeps_its_workspaces_and_what_hangs_on_them(django_user_model):
    user = django_user_model.objects.create(username="ann")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_MOVE)
    try:
        workspace_type = _fill_before_the_move(
            executor.loader.project_state([node for node in BEFORE_MOVE if node[1]]).apps, user
        )
    finally:  # the next tests find the database as the migrations leave it
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert Workspace._meta.db_table == "tenancy_workspace"
    assert Workspace.objects.get(slug="acme").name == "Acme"
    assert Membership.objects.get(user=user).workspace.slug == "acme"
    assert ApiKey.objects.get(prefix="k").workspace.slug == "acme"
    moved = Collection.objects.select_related("space__workspace").get(name="Leads")
    assert (moved.space.name, moved.space.workspace.slug) == ("Sales", "acme")
    assert list(Connector.objects.get(name="s1").collections.all()) == [moved]
    assert list(Space.objects.filter(workspace__connectors__name="s1")) == [moved.space]
    assert ContentType.objects.get_for_model(Workspace).pk == workspace_type
    auditors = Group.objects.get(name="auditors")
    assert [p.content_type.app_label for p in auditors.permissions.all()] == ["tenancy"]
