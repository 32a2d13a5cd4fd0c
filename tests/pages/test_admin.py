"""The Django admin: connectors added (type first) and changed through the generated form and
the services, lifecycle and sync actions, distribution file uploads, read-only syncs with their
progress, and secrets always masked."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from connectors import credentials, services
from connectors.lifecycle import State
from connectors.models import Connector
from registry.models import ConnectorDefinition
from syncs.models import Sync, SyncStatus
from tests.leaks import Secrets
from tests.pages.forms import PG_PASSWORD, connector_post, postgres_fields
from tests.registry.packages import make_zip, package_files

pytestmark = pytest.mark.database


@pytest.fixture
def admin_client(db):
    user = get_user_model().objects.create_superuser("root", password="pw-root-123")
    client = Client()
    client.force_login(user)
    return client


def admin_post(definition, **fields):
    data = connector_post(definition, **fields)
    del data["action"]
    return {**data, "_save": "Save"}


def test_adding_starts_by_choosing_the_type(admin_client, catalog):
    page = admin_client.get(reverse("admin:connectors_connector_add"))
    html = page.content.decode()
    assert "choose its type" in html
    assert (
        "?definition=postgres-connector-1.1.0" in html and "?definition=sample-data-1.0.0" in html
    )


def test_adding_a_connector_through_the_generated_form(admin_client, catalog, workspace):
    pg = catalog["postgres-connector"]
    url = reverse("admin:connectors_connector_add") + "?definition=postgres-connector-1.1.0"
    html = admin_client.get(url).content.decode()
    assert 'name="config-connector_config.connection_info.port"' in html
    assert "schema-form.js" in html
    data = admin_post(pg, name="Orders", workspace=str(workspace.pk), **postgres_fields())
    data["workspace"] = str(workspace.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    connector = Connector.objects.get(name="Orders")
    assert connector.workspace == workspace and connector.created_by == "user:root"
    assert (
        credentials.full_config(connector)["connector_config"]["connection_info"]["password"]
        == PG_PASSWORD
    )


def test_an_invalid_admin_form_saves_nothing(admin_client, catalog, workspace):
    pg = catalog["postgres-connector"]
    url = reverse("admin:connectors_connector_add") + "?definition=postgres-connector-1.1.0"
    data = admin_post(pg, name="Orders", **postgres_fields(port=0))
    data["workspace"] = str(workspace.pk)
    response = admin_client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the errors below" in html and "errorlist" in html
    Secrets(PG_PASSWORD).assert_not_in_response(response)
    assert not Connector.objects.exists()


def test_an_unknown_type_goes_back_to_the_choice(admin_client):
    url = reverse("admin:connectors_connector_add") + "?definition=nothing-9"
    response = admin_client.get(url, follow=True)
    assert "is not a Live connector type" in response.content.decode()


@pytest.fixture
def pg_connector(catalog, workspace, owner):
    pg = catalog["postgres-connector"]
    return services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=pg,
        name="Orders",
        config={
            "connector_config": {
                "databaseType": "PostgreSQL",
                "connection_info": {
                    "host": "db.example.com",
                    "port": 5432,
                    "name": "shop",
                    "username": "reader",
                    "password": PG_PASSWORD,
                },
                "schemaInfo": {"table": "orders", "timestampColumn": "updated_at"},
            }
        },
    )


def test_changing_keeps_the_secret_and_never_shows_it(admin_client, pg_connector):
    url = reverse("admin:connectors_connector_change", args=[pg_connector.pk])
    page = admin_client.get(url)
    Secrets(PG_PASSWORD).assert_not_in_response(page)
    assert "**********" in page.content.decode()
    data = admin_post(pg_connector.definition, connector=pg_connector, name="Orders 2")
    response = admin_client.post(url, {**data, "_continue": "1"})
    assert response["Location"] == url
    pg_connector.refresh_from_db()
    assert pg_connector.name == "Orders 2"
    assert (
        credentials.full_config(pg_connector)["connector_config"]["connection_info"]["password"]
        == PG_PASSWORD
    )


def test_lifecycle_and_sync_actions(admin_client, pg_connector):
    changelist = reverse("admin:connectors_connector_changelist")

    def act(action):
        return admin_client.post(
            changelist, {"action": action, "_selected_action": [str(pg_connector.pk)]}, follow=True
        )

    act("stop_connectors")
    pg_connector.refresh_from_db()
    assert pg_connector.state == State.STOPPED
    response = act("sync_connectors")
    assert "Cannot sync a connector that is stopped" in response.content.decode()
    act("start_connectors")
    pg_connector.refresh_from_db()
    assert pg_connector.state == State.STARTING
    act("sync_connectors")
    sync = Sync.objects.get(connector=pg_connector)
    assert sync.status == SyncStatus.QUEUED
    act("cancel_connector_syncs")
    sync.refresh_from_db()
    assert sync.status == SyncStatus.CANCELLED
    act("fail_connectors")
    pg_connector.refresh_from_db()
    assert pg_connector.state == State.FAILED


def test_syncs_are_read_only_with_progress_and_can_be_cancelled(admin_client, pg_connector):
    sync = Sync.objects.create(
        connector=pg_connector,
        trigger="manual",
        status=SyncStatus.RUNNING,
        progress_done=3,
        progress_total=4,
    )
    listing = admin_client.get(reverse("admin:syncs_sync_changelist")).content.decode()
    assert '<progress max="100" value="75">' in listing
    detail = admin_client.get(reverse("admin:syncs_sync_change", args=[sync.pk])).content.decode()
    assert '<progress max="100" value="75">' in detail
    assert 'name="status"' not in detail
    assert admin_client.get(reverse("admin:syncs_sync_add")).status_code == 403
    admin_client.post(
        reverse("admin:syncs_sync_changelist"),
        {"action": "cancel_syncs", "_selected_action": [str(sync.pk)]},
    )
    sync.refresh_from_db()
    assert sync.status == SyncStatus.CANCELLING


def test_definitions_come_from_distribution_files_and_stay_read_only(admin_client, catalog):
    add = reverse("admin:registry_connectordefinition_add")
    assert 'type="file"' in admin_client.get(add).content.decode()
    archive = make_zip(package_files(version="4.0.0"))
    response = admin_client.post(
        add, {"file": SimpleUploadedFile("pg.zip", archive), "draft": "on"}, follow=True
    )
    assert "Registered postgres-connector-4.0.0 (Draft)." in response.content.decode()
    definition = ConnectorDefinition.objects.get(registry_id="postgres-connector-4.0.0")
    change = admin_client.get(
        reverse("admin:registry_connectordefinition_change", args=[definition.pk])
    ).content.decode()
    assert 'name="name"' not in change and "connector_config" in change
    bad = admin_client.post(add, {"file": SimpleUploadedFile("x.zip", b"nope")})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()


def test_no_admin_page_shows_a_secret(admin_client, pg_connector):
    sync = Sync.objects.create(connector=pg_connector, trigger="manual")
    pages = [
        reverse("admin:connectors_connector_changelist"),
        reverse("admin:connectors_connector_change", args=[pg_connector.pk]),
        reverse("admin:connectors_credential_changelist"),
        reverse("admin:connectors_credential_change", args=[pg_connector.credential.pk]),
        reverse("admin:syncs_sync_change", args=[sync.pk]),
        reverse("admin:connectors_connector_history", args=[pg_connector.pk]),
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        Secrets(PG_PASSWORD).assert_not_in_response(response)


def test_read_only_spec_values_show_as_text_in_the_admin(admin_client, catalog):
    """Batch size and maximum batches are read-only in the spec: text, not disabled inputs."""
    url = reverse("admin:connectors_connector_add") + "?definition=postgres-connector-1.1.0"
    html = admin_client.get(url).content.decode()
    for name in ("operations_config.batch_size", "operations_config.max_batches"):
        assert f'name="config-{name}"' not in html
        assert f'<span class="readonly-value" id="id_config-{name}">' in html


def test_workspaces_spaces_and_collections_are_added_and_renamed_through_the_services(
    admin_client, workspace, django_capture_on_commit_callbacks
):
    from audit.models import AuditEntry
    from tenancy.models import Collection, Space, Workspace

    def save(model: str, data: dict, pk=None) -> None:
        url = reverse(f"admin:tenancy_{model}_{'change' if pk else 'add'}", args=[pk] if pk else [])
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, {**data, "_save": "Save"})
        assert response.status_code == 302, response.content.decode()[-2000:]

    save("space", {"workspace": workspace.pk, "name": "Research", "description": ""})
    space = Space.objects.get(workspace=workspace, name="Research")
    save("space", {"workspace": workspace.pk, "name": "Lab", "description": "Notes"}, space.pk)
    space.refresh_from_db()
    assert (space.name, space.description) == ("Lab", "Notes")

    save("collection", {"space": space.pk, "name": "Papers", "description": ""})
    collection = Collection.objects.get(space=space, name="Papers")
    save("collection", {"space": space.pk, "name": "Reports", "description": "x"}, collection.pk)
    collection.refresh_from_db()
    assert (collection.name, collection.description) == ("Reports", "x")

    save(
        "workspace",
        {
            "name": "Renamed",
            "slug": workspace.slug,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
        workspace.pk,
    )
    assert Workspace.objects.get(pk=workspace.pk).name == "Renamed"
    events = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"space.updated", "collection.updated", "workspace.updated"} <= events
