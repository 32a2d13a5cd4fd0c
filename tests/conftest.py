"""Shared fixtures: personas (owner, editor, viewer, outsider), definitions and connectors."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from connectors import services
from registry.models import ConnectorDefinition, DefinitionStatus
from registry.services import catalog_load
from tenancy import services as tenancy_services
from tenancy.models import Role
from tests.registry.sources.resolver import resolver  # noqa: F401 (a fixture: scripted DNS answers)
from tests.servers.fixtures import *  # noqa: F403 (the shared server fixtures)

DATABASE_SPEC = {
    "schema": {
        "type": "object",
        "properties": {
            "connector_config": {
                "title": "Connector Config",
                "type": "object",
                "encrypt": True,
                "properties": {
                    "host": {"type": "string", "title": "Host"},
                    "port": {"type": "number", "title": "Port", "minimum": 1, "maximum": 65535},
                    "username": {"type": "string"},
                    "password": {"type": "string", "title": "Password"},
                },
                "required": ["host", "port"],
            },
            "operations_config": {
                "type": "object",
                "properties": {
                    "batch_size": {"type": "number", "default": 100},
                    "pollingInterval": {"type": "string", "enum": ["Once", "Periodic"]},
                },
            },
        },
    },
    "properties": {"connector_config": {"password": {"ui:widget": "password"}}},
}


@pytest.fixture
def make_definition(db):
    def make(
        connector_id="test-db", version="1.0.0", ui_spec=None, status=DefinitionStatus.LIVE, **extra
    ):
        return ConnectorDefinition.objects.create(
            connector_id=connector_id,
            version=version,
            name=extra.pop("name", connector_id),
            implementation=extra.pop("implementation", connector_id),
            category=extra.pop("category", "Database"),
            status=status,
            ui_spec=ui_spec if ui_spec is not None else DATABASE_SPEC,
            **extra,
        )

    return make


@pytest.fixture
def definition(make_definition):
    return make_definition()


@pytest.fixture
def make_user(db):
    User = get_user_model()

    def make(username, **extra):
        return User.objects.create_user(username=username, password="pw-" + username, **extra)

    return make


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def workspace(owner):
    return tenancy_services.workspace_create(actor=owner, name="Acme", slug="acme")


@pytest.fixture
def other_workspace(make_user):
    stranger = make_user("stranger")
    return tenancy_services.workspace_create(actor=stranger, name="Other", slug="other")


@pytest.fixture
def editor(make_user, workspace, owner):
    user = make_user("editor")
    tenancy_services.membership_set(actor=owner, workspace=workspace, user=user, role=Role.EDITOR)
    return user


@pytest.fixture
def viewer(make_user, workspace, owner):
    user = make_user("viewer")
    tenancy_services.membership_set(actor=owner, workspace=workspace, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def outsider(make_user):
    return make_user("outsider")


@pytest.fixture
def space(workspace, owner):
    return tenancy_services.space_create(actor=owner, workspace=workspace, name="Research")


@pytest.fixture
def collection(space, owner):
    return tenancy_services.collection_create(actor=owner, space=space, name="Papers")


SECRET_PASSWORD = "pl41ntext-Secret-Zq9"


@pytest.fixture
def make_connector(workspace, definition, owner):
    def make(name="warehouse", config=None, **extra):
        return services.connector_create(
            actor=owner,
            workspace=extra.pop("workspace", workspace),
            definition=extra.pop("definition", definition),
            name=name,
            config=config
            if config is not None
            else {
                "connector_config": {
                    "host": "db.example.com",
                    "port": 5432,
                    "username": "reader",
                    "password": SECRET_PASSWORD,
                }
            },
            **extra,
        )

    return make


@pytest.fixture
def catalog(db):
    """The built-in kinds loaded into the registry, as ``{connector_id: Live definition}``."""
    result = catalog_load(actor=None)
    assert not result.errors, result.errors
    return {
        definition.connector_id: definition
        for definition in ConnectorDefinition.objects.filter(status=DefinitionStatus.LIVE)
    }


@pytest.fixture
def login(db):
    """``login(user)``: a test client with that user's session."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
