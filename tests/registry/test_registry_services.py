"""Registry writes: who may write, Draft -> Live -> Retired, the built-in loader, and what a
retired definition still does."""

import pytest
from django.core.management import call_command

from config.errors import Conflict, InvalidInput, PermissionDenied
from connectors import services
from registry.models import ConnectorDefinition, DefinitionStatus
from registry.services import (
    catalog_load,
    definition_promote,
    definition_register,
    definition_retire,
)
from registry.sources.installed import kind_folders
from tenancy import services as tenancy_services
from tenancy.models import ApiKeyRole
from tests.registry.packages import make_zip, package_files

pytestmark = pytest.mark.database


def _register(actor=None, version="2.0.0", draft=False):
    data = make_zip(package_files(version=version))
    return definition_register(actor=actor, data=data, filename="p.zip", draft=draft)[0]


@pytest.fixture
def keys(workspace, owner):
    def make(role=ApiKeyRole.ADMIN, registry=False):
        key, _ = tenancy_services.api_key_create(
            actor=owner,
            workspace=workspace,
            name=f"{role}-{registry}",
            role=role,
            registry=registry,
        )
        return key

    return make


def test_the_catalog_loads_every_kind_folder_once(db):
    first = catalog_load(actor=None)
    assert not first.errors
    assert len(first.created) >= len(kind_folders())
    assert {d.status for d in first.created} == {DefinitionStatus.LIVE}
    for definition in first.created:
        assert definition.implementation == definition.connector_id
        assert definition.created_by == "SYSTEM"
    again = catalog_load(actor=None)
    assert again.created == [] and len(again.existing) == len(first.created)
    assert again.changed == []


def test_the_loader_never_changes_an_existing_status(catalog):
    postgres = catalog["postgres-connector"]
    definition_retire(actor=None, definition=postgres)
    result = catalog_load(actor=None)
    assert postgres.registry_id not in [d.registry_id for d in result.created]
    postgres.refresh_from_db()
    assert postgres.status == DefinitionStatus.RETIRED


def test_a_missing_builtin_version_waits_as_draft_when_another_version_is_live(db):
    _register(version="9.0.0")
    result = catalog_load(actor=None)
    created = {d.connector_id: d for d in result.created}
    assert created["postgres-connector"].status == DefinitionStatus.DRAFT
    assert ConnectorDefinition.objects.get(registry_id="postgres-connector-9.0.0").status == "Live"


def test_load_catalog_command_prints_what_it_created(db, capsys):
    call_command("load_catalog")
    out = capsys.readouterr().out
    assert "Created postgres-connector-1.1.0 (Live)." in out
    call_command("load_catalog")
    assert "0 created" in capsys.readouterr().out


def test_register_as_draft_leaves_the_live_version_alone(catalog):
    draft = _register(draft=True)
    assert draft.status == DefinitionStatus.DRAFT and draft.live_date is None
    catalog["postgres-connector"].refresh_from_db()
    assert catalog["postgres-connector"].status == DefinitionStatus.LIVE


def test_promote_publishes_a_draft_and_retires_the_other_live_version(catalog):
    draft = _register(draft=True)
    promoted = definition_promote(actor=None, definition=draft)
    assert promoted.status == DefinitionStatus.LIVE and promoted.live_date is not None
    catalog["postgres-connector"].refresh_from_db()
    assert catalog["postgres-connector"].status == DefinitionStatus.RETIRED
    assert (
        ConnectorDefinition.objects.filter(connector_id="postgres-connector", status="Live").count()
        == 1
    )


def test_a_draft_can_be_replaced_but_a_published_version_cannot(catalog):
    _register(draft=True)
    again = _register(draft=True)  # a Draft is refilled
    assert again.status == DefinitionStatus.DRAFT
    _register()  # publishes 2.0.0
    with pytest.raises(Conflict, match="already registered"):
        _register()


def test_a_retired_version_cannot_be_promoted_again(catalog):
    postgres = definition_retire(actor=None, definition=catalog["postgres-connector"])
    assert definition_retire(actor=None, definition=postgres).status == "Retired"
    with pytest.raises(Conflict, match="retired"):
        definition_promote(actor=None, definition=postgres)


def test_a_retired_definition_stays_readable_backs_no_new_connector_and_keeps_old_ones(
    make_connector, definition, workspace, owner
):
    existing = make_connector(name="old")
    definition_retire(actor=None, definition=definition)
    definition.refresh_from_db()
    assert ConnectorDefinition.objects.filter(pk=definition.pk).exists()
    with pytest.raises(InvalidInput, match="retired"):
        make_connector(name="new")
    existing.refresh_from_db()
    assert existing.definition_id == definition.pk
    services.connector_update(actor=owner, connector=existing, description="still editable")


@pytest.mark.parametrize(
    "role, registry, allowed",
    [
        (ApiKeyRole.ADMIN, True, True),
        (ApiKeyRole.ADMIN, False, False),
        (ApiKeyRole.VIEWER, True, False),
    ],
)
def test_registry_writes_need_the_registry_permission(catalog, keys, role, registry, allowed):
    key = keys(role, registry)
    if allowed:
        assert _register(actor=key).created_by == f"key:{key.prefix}"
        return
    with pytest.raises(PermissionDenied):
        _register(actor=key)
    with pytest.raises(PermissionDenied):
        definition_retire(actor=key, definition=catalog["postgres-connector"])
    with pytest.raises(PermissionDenied):
        catalog_load(actor=key)
    assert not ConnectorDefinition.objects.filter(version="2.0.0").exists()


def test_staff_users_write_the_registry_and_members_do_not(catalog, make_user, owner):
    staff = make_user("staffer", is_staff=True)
    assert _register(actor=staff).status == "Live"
    with pytest.raises(PermissionDenied):
        definition_promote(actor=owner, definition=catalog["mysql-connector"])


def test_admin_actions_promote_and_retire_through_the_services(catalog, admin_client):
    draft = _register(draft=True)
    url = "/admin/registry/connectordefinition/"
    response = admin_client.post(
        url, {"action": "promote_definitions", "_selected_action": [draft.pk]}, follow=True
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    catalog["postgres-connector"].refresh_from_db()
    assert draft.status == "Live" and catalog["postgres-connector"].status == "Retired"
    admin_client.post(url, {"action": "retire_definitions", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "Retired"
    response = admin_client.post(
        url, {"action": "promote_definitions", "_selected_action": [draft.pk]}, follow=True
    )
    assert "cannot be published again" in response.content.decode()


def test_load_catalog_warns_when_a_kind_folder_changed_under_the_same_version(catalog, capsys):
    ConnectorDefinition.objects.filter(pk=catalog["mysql-connector"].pk).update(description="old")
    call_command("load_catalog")
    captured = capsys.readouterr()
    assert (
        "mysql-connector-1.1.0 is already registered and its kind folder now differs"
        in captured.err
    )
    assert ConnectorDefinition.objects.get(pk=catalog["mysql-connector"].pk).description == "old"
