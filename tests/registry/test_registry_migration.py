"""Connector definitions moved from the connectors app to the registry app: an upgraded database
keeps every definition, the connectors built on them, their indexes, and the permissions attached
to their content type."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from connectors.models import Connector
from registry.models import ConnectorDefinition

pytestmark = pytest.mark.database

BEFORE_MOVE = [
    ("registry", None),
    ("connectors", "0005_tenancy_models_move_out"),
    ("tenancy", "0002_tables_named_for_the_app"),
]


def _fill_before_the_move(old) -> int:
    """A Live definition, a connector built on it, and a group allowed to view definitions,
    written as the connectors app stored them; the definition content type's id."""
    definition = old.get_model("connectors", "ConnectorDefinition").objects.create(
        connector_id="sample-data",
        version="9.9.9",
        registry_id="sample-data-9.9.9",
        name="Sample",
        implementation="sample-data",
        status="Live",
        credential_keys=["token"],
    )
    workspace = old.get_model("tenancy", "Workspace").objects.create(name="Acme", slug="acme")
    old.get_model("connectors", "Connector").objects.create(
        workspace=workspace, definition=definition, name="s1"
    )
    definition_type = ContentType.objects.get(app_label="connectors", model="connectordefinition")
    Group.objects.create(name="curators").permissions.add(
        Permission.objects.get(content_type=definition_type, codename="view_connectordefinition")
    )
    return definition_type.pk


def _index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name for name, details in constraints.items() if details["index"]}


@pytest.mark.django_db(transaction=True)
def test_an_upgraded_database_keeps_its_definitions_and_the_connectors_on_them():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_MOVE)
    try:
        definition_type = _fill_before_the_move(
            executor.loader.project_state([node for node in BEFORE_MOVE if node[1]]).apps
        )
    finally:  # the next tests find the database as the migrations leave it
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert ConnectorDefinition._meta.db_table == "registry_connectordefinition"
    moved = ConnectorDefinition.objects.get(registry_id="sample-data-9.9.9")
    assert (moved.status, moved.credential_keys) == ("Live", ["token"])
    assert Connector.objects.get(name="s1").definition == moved
    assert list(moved.connectors.values_list("name", flat=True)) == ["s1"]
    assert {"registry_co_status_0b07f8_idx", "registry_co_connect_ef44ee_idx"} <= _index_names(
        "registry_connectordefinition"
    )
    assert ContentType.objects.get_for_model(ConnectorDefinition).pk == definition_type
    curators = Group.objects.get(name="curators")
    assert [p.content_type.app_label for p in curators.permissions.all()] == ["registry"]
