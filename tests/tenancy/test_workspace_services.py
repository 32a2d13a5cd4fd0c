import pytest

from config.errors import Conflict, InvalidInput
from connectors import services
from tenancy import services as tenancy_services
from tenancy.models import Membership, Role

pytestmark = pytest.mark.database


def test_creator_of_a_workspace_owns_it(workspace, owner):
    assert Membership.objects.get(workspace=workspace, user=owner).role == Role.OWNER


def test_slug_rules_name_the_field(owner):
    with pytest.raises(InvalidInput) as bad:
        tenancy_services.workspace_create(actor=owner, name="x", slug="Not A Slug")
    assert "slug" in bad.value.errors


def test_duplicate_space_name_is_a_field_error(space, owner, workspace):
    with pytest.raises(InvalidInput) as dup:
        tenancy_services.space_create(actor=owner, workspace=workspace, name=space.name)
    assert "name" in dup.value.errors


def test_space_with_collections_cannot_be_deleted(space, collection, owner):
    with pytest.raises(Conflict):
        tenancy_services.space_delete(actor=owner, space=space)
    tenancy_services.collection_delete(actor=owner, collection=collection)
    tenancy_services.space_delete(actor=owner, space=space)


def test_deleting_a_collection_keeps_its_connectors(make_connector, collection, owner, workspace):
    connector = make_connector()
    services.connector_associate(actor=owner, connector=connector, collection=collection)
    tenancy_services.collection_delete(actor=owner, collection=collection)
    connector.refresh_from_db()
    assert connector.workspace == workspace
    assert not connector.collections.exists()


def test_a_workspace_keeps_its_last_owner(workspace, owner, editor):
    with pytest.raises(Conflict):
        tenancy_services.membership_remove(actor=owner, workspace=workspace, user=owner)
    with pytest.raises(Conflict):
        tenancy_services.membership_set(
            actor=owner, workspace=workspace, user=owner, role=Role.VIEWER
        )
    tenancy_services.membership_set(actor=owner, workspace=workspace, user=editor, role=Role.OWNER)
    tenancy_services.membership_remove(actor=owner, workspace=workspace, user=owner)


def test_revoked_key_no_longer_authenticates(workspace, owner):
    from tenancy.models import ApiKey

    api_key, raw = tenancy_services.api_key_create(actor=owner, workspace=workspace, name="k")
    assert ApiKey.objects.is_valid(raw)
    tenancy_services.api_key_revoke(actor=owner, api_key=api_key)
    assert not ApiKey.objects.is_valid(raw)


def test_connector_from_another_workspace_collection_is_refused(
    make_connector, other_workspace, owner
):
    from config.errors import NotFound

    connector = make_connector()
    foreign_space = tenancy_services.space_create(actor=None, workspace=other_workspace, name="S")
    foreign = tenancy_services.collection_create(actor=None, space=foreign_space, name="C")
    with pytest.raises(NotFound):
        services.connector_associate(actor=owner, connector=connector, collection=foreign)


def test_invalid_config_names_the_field_and_stores_nothing(make_connector):
    from connectors.models import Connector

    with pytest.raises(InvalidInput) as bad:
        make_connector(
            config={"connector_config": {"host": "h", "port": 70000, "password": "hunter22"}}
        )
    assert bad.value.errors == {"connector_config.port": ["Must be at most 65535."]}
    assert "hunter22" not in bad.value.message
    assert not Connector.all_objects.exists()
