"""Secrets never leave in clear, whatever the way in or out.

- Every kind at once: one connector of every built-in kind, each with recognisable secret values
  and each failing against a hostile server that echoes the credentials it receives: every read
  path shows the secrets masked or not at all: each API family, the pages and their live
  fragments (connectors, syncs, documents, dashboard, audit trail, webhooks), the admin, the
  commands, the logs at DEBUG, the failing checks' messages and the failed syncs' errors; and the
  database holds none of them in clear.
- The generated forms: a stored secret is not shown, not re-shown with errors, not in a JSON
  field being edited; nor in the admin, the logs of creating and editing, or the database.
- Typed into the pages: a connector's secrets never come back out of any page, fragment or admin
  screen, the logs, or the database.
"""

import io
import logging

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from connectors import credentials, services
from connectors.models import Connector
from connectors.tasks import check_connector
from registry.schema.forms import config_form_class
from syncs import services as sync_services
from syncs.engine import run as run_sync
from syncs.models import Document, Sync, SyncStatus, SyncTrigger
from tenancy import services as tenancy_services
from tests.leaks import Secrets
from tests.pages.forms import PG_PASSWORD, connector_post, postgres_fields
from tests.registry.forms_helpers import definition_for, post_data
from tests.security.secret_kinds import configs
from tests.servers.echo import echo_server
from tests.servers.ports import free_port
from webhooks.models import WebhookDelivery
from webhooks.services import webhook_create

pytestmark = pytest.mark.database


@pytest.fixture
def echo_url():
    with echo_server() as url:
        yield url


def _running(owner, connector) -> Connector:
    """Past its (failed) check, as if the source had answered: so that a sync reads it."""
    connector = services.connector_restart(actor=owner, connector=connector)
    services.connector_check_finished(
        connector_id=connector.pk, check_token=connector.check_token, error=None
    )
    connector.refresh_from_db()
    return connector


def page_paths(workspace, collection, connectors, webhook_id) -> list[str]:
    """Every page and live fragment that shows a connector, its syncs, its documents or what
    was recorded about them."""
    w = f"/w/{workspace.slug}"
    paths = [
        "/",
        f"{w}/connectors/",
        f"{w}/syncs/running/",
        f"{w}/collections/{collection.pk}/",
        f"{w}/collections/{collection.pk}/documents/",
        f"{w}/audit/",
        f"{w}/webhooks/",
        f"{w}/webhooks/{webhook_id}/",
    ]
    for connector in connectors:
        c = f"{w}/connectors/{connector.pk}"
        paths += [f"{c}/", f"{c}/edit/", f"{c}/documents/", f"{c}/activity/"]
    for sync in Sync.objects.all():
        paths += [f"{w}/syncs/{sync.pk}/", f"{w}/syncs/{sync.pk}/live/"]
    for document in Document.objects.all()[:20]:
        paths.append(f"{w}/documents/{document.pk}/")
    return paths


def older_pages(client, response):
    """The following pages of a keyset-paged page (the audit trail, a webhook's deliveries)."""
    while response.context and (response.context.get("pager") or {}).get("older"):
        older = response.context["pager"]["older"]
        response = client.get(response.request["PATH_INFO"], {"before": older})
        assert response.status_code == 200
        yield response


@pytest.mark.django_db(transaction=True)
def test_no_secret_of_any_kind_leaves_in_clear(
    catalog, owner, workspace, collection, echo_url, caplog, settings
):
    caplog.set_level(logging.DEBUG)
    settings.CONNECTOR_HUB_SYNC_MAX_RETRIES = 0
    kinds = configs(echo_url, free_port())
    assert set(kinds) == set(catalog), "every built-in kind has a config here"
    secrets = Secrets(*{value for _, values in kinds.values() for value in values})

    # A webhook of the workspace: every state change and sync failure below becomes a stored
    # delivery whose payload is checked with the rest of the database.
    webhook_create(
        actor=owner,
        workspace=workspace,
        url=f"{echo_url}/hook",
        events=["connector.state_changed", "sync.failed", "sync.started", "sync.succeeded"],
    )
    connectors = {}
    for kind, (config, _) in kinds.items():
        connectors[kind] = services.connector_create(
            actor=owner,
            workspace=workspace,
            definition=catalog[kind],
            name=f"leak-{kind.lower()}",
            config=config,
            collections=[collection],
        )

    # Every check fails against the hostile server or a closed port, with the source's words.
    reasons = {}
    for kind, connector in connectors.items():
        check_connector(str(connector.pk), str(connector.check_token))
        connector.refresh_from_db()
        reasons[kind] = connector.state_reason
    failed = [
        kind for kind, c in connectors.items() if Connector.objects.get(pk=c.pk).state == "failed"
    ]
    assert set(failed) >= set(kinds) - {"upload", "sample-data"}, reasons
    secrets.assert_not_in_text(str(reasons), where="the failed checks' messages")

    # Every sync fails too (sample-data fails on purpose after its first batch).
    for connector in connectors.values():
        connector = _running(owner, connector)
        sync = sync_services.active_sync(connector) or sync_services.sync_trigger(
            actor=owner, connector=connector, trigger=SyncTrigger.MANUAL, enqueue=False
        )
        run_sync(sync.pk, inline=True)
    errors = {s.connector.name: s.error_message for s in Sync.objects.select_related("connector")}
    failed_syncs = Sync.objects.filter(status=SyncStatus.FAILED).count()
    assert failed_syncs >= len(kinds) - 1, errors
    secrets.assert_not_in_text(str(errors), where="the sync errors")

    _, key = tenancy_services.api_key_create(actor=owner, workspace=workspace, name="reader")
    api = Client(HTTP_X_API_KEY=key)
    space_path = f"/v1/spaces/{collection.space_id}/collections/{collection.pk}"
    paths = [
        "/layar/liveSource?rows=100",
        "/connectors",
        f"{space_path}/connectors?limit=100",
        f"/v1/connector/list_connectors/{workspace.slug}?limit=100",
        "/v1/audit?limit=100",
        f"{space_path}/documents",
    ]
    for connector in connectors.values():
        paths += [
            f"/layar/liveSource/{connector.pk}",
            f"/layar/liveSource/{connector.pk}/jobStatus",
            f"/connectors/{connector.pk}",
            f"{space_path}/connectors/{connector.pk}",
            f"{space_path}/connectors/{connector.pk}/sync",
            f"/v1/connector/get_connector/{workspace.slug}/{connector.pk}",
        ]
    for path in paths:
        response = api.get(path)
        assert response.status_code == 200, (path, response.content[:300])
        secrets.assert_not_in_response(response, where=path)

    assert WebhookDelivery.objects.filter(event_type="sync.failed").count() >= len(kinds) - 1
    session = Client()
    session.force_login(owner)
    webhook_id = WebhookDelivery.objects.first().subscription_id
    for page in [
        "/v1/webhooks",
        f"/v1/webhooks/{webhook_id}/deliveries?limit=100",
        *page_paths(workspace, collection, connectors.values(), webhook_id),
    ]:
        response = session.get(page, follow=True)
        assert response.status_code == 200, page
        secrets.assert_not_in_response(response, where=page)
        for older in older_pages(session, response):
            secrets.assert_not_in_response(older, where=f"{page} (older entries)")

    admin = Client()
    admin.force_login(owner.__class__.objects.create_superuser("root", password="pw-root-12345"))
    pages = [
        "/admin/connectors/connector/",
        "/admin/connectors/credential/",
        "/admin/syncs/sync/",
        "/admin/audit/auditentry/",
        "/admin/connectors/idempotencyrecord/",
        "/admin/webhooks/webhookdelivery/",
    ]
    for connector in connectors.values():
        pages.append(f"/admin/connectors/connector/{connector.pk}/change/")
    for sync in Sync.objects.all():
        pages.append(f"/admin/syncs/sync/{sync.pk}/change/")
    for delivery in WebhookDelivery.objects.all()[:20]:
        pages.append(f"/admin/webhooks/webhookdelivery/{delivery.pk}/change/")
    pages += [
        f"/admin/audit/auditentry/{pk}/change/"
        for pk in AuditEntry.objects.values_list("pk", flat=True)[:50]
    ]
    for page in pages:
        response = admin.get(page)
        assert response.status_code == 200, page
        secrets.assert_not_in_response(response, where=page)

    output = io.StringIO()
    for command, *args in [
        ("list_connectors", "--workspace", workspace.slug),
        ("list_syncs", "--workspace", workspace.slug),
        *[("show_connector", "--workspace", workspace.slug, c.name) for c in connectors.values()],
        *[("show_sync", "--workspace", workspace.slug, str(s.pk)) for s in Sync.objects.all()],
    ]:
        call_command(command, *args, stdout=output, stderr=output)
    failing = io.StringIO()
    for name in ("leak-httpdata", "leak-jira", "leak-postgres-connector"):
        try:
            call_command(
                "check_connector",
                "--workspace",
                workspace.slug,
                name,
                stdout=failing,
                stderr=failing,
            )
        except SystemExit:
            pass
        except Exception as error:  # CommandError: the failed check, in words
            failing.write(str(error))
    assert failing.getvalue(), "the failing checks say why"
    secrets.assert_not_in_text(output.getvalue() + failing.getvalue(), where="command output")

    secrets.assert_not_in_logs(caplog, where="the logs at DEBUG")
    secrets.assert_not_in_database()


# -- the generated forms, the admin, the logs ----------------------------------------------

PASSWORD = "Db-Passw0rd-Never-Shown"
TYPED = "Typed-Secret-On-Error-1"
TOKEN = "Json-Buried-T0ken-42"


def pg_config():
    return {
        "connector_config": {
            "databaseType": "PostgreSQL",
            "connection_info": {
                "host": "db.example.com",
                "port": 5432,
                "name": "shop",
                "username": "reader",
                "password": PASSWORD,
            },
            "schemaInfo": {"table": "orders", "timestampColumn": "updated_at"},
        }
    }


@pytest.fixture
def pg_connector(catalog, workspace, owner, caplog):
    caplog.set_level(logging.DEBUG)
    return services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=catalog["postgres-connector"],
        name="warehouse",
        config=pg_config(),
    )


def test_the_edit_form_never_shows_the_stored_secret_even_after_an_error(pg_connector, caplog):
    Form = config_form_class(pg_connector.definition)
    stored = credentials.full_config(pg_connector)
    shown = Form(config=credentials.masked_config(pg_connector), stored=stored)
    Secrets(PASSWORD).assert_not_in_text(str(shown), where="the edit form")
    data = post_data(shown, **{"connector_config.connection_info.password": TYPED})
    data["connector_config.connection_info.port"] = "99999"
    again = Form(data=data, config=credentials.masked_config(pg_connector), stored=stored)
    assert not again.is_valid()
    Secrets(PASSWORD, TYPED).assert_not_in_text(str(again), where="the form re-shown with errors")
    Secrets(PASSWORD, TYPED).assert_not_in_text(str(again.errors), where="the form errors")
    Secrets(PASSWORD, TYPED).assert_not_in_logs(caplog)


def test_a_secret_inside_a_json_field_is_masked():
    spec = {
        "schema": {
            "type": "object",
            "properties": {
                "conn": {
                    "type": "object",
                    "properties": {
                        "odd.key": {"type": "string"},
                        "token": {"type": "string", "writeOnly": True},
                    },
                }
            },
        }
    }
    Form = config_form_class(definition_for(spec))
    stored = {"conn": {"odd.key": "x", "token": TOKEN}}
    shown = Form(config=stored, stored=stored)
    page = str(shown)
    assert 'name="conn"' in page
    Secrets(TOKEN).assert_not_in_text(page, where="a JSON field")
    form = Form(data=post_data(shown), config=stored, stored=stored)
    assert form.is_valid(), form.errors
    assert form.config == stored  # the mask sent back keeps the stored token


def test_admin_pages_never_show_the_secret(pg_connector, admin_client):
    credential = pg_connector.credential
    definition = pg_connector.definition
    pages = [
        "/admin/connectors/connector/",
        f"/admin/connectors/connector/{pg_connector.pk}/change/",
        f"/admin/connectors/connector/{pg_connector.pk}/history/",
        "/admin/connectors/credential/",
        f"/admin/connectors/credential/{credential.pk}/change/",
        f"/admin/registry/connectordefinition/{definition.pk}/change/",
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        Secrets(PASSWORD).assert_not_in_response(response, where=url)
    change = admin_client.get(pages[1]).content.decode()
    assert "db.example.com" in change  # the page does show the config, masked


def test_logs_of_creating_and_editing_never_hold_the_secret(pg_connector, owner, caplog):
    masked = credentials.masked_config(pg_connector)
    masked["connector_config"]["connection_info"]["port"] = 6543
    services.connector_update(actor=owner, connector=pg_connector, config=masked)
    assert (
        credentials.full_config(pg_connector)["connector_config"]["connection_info"]["password"]
        == PASSWORD
    )
    Secrets(PASSWORD).assert_not_in_logs(caplog)


@pytest.mark.django_db(transaction=True)
def test_the_database_holds_no_secret_in_clear(pg_connector):
    Secrets(PASSWORD).assert_not_in_database()


def test_the_helper_finds_secrets_in_their_encoded_forms():
    secrets = Secrets("a/b c&<d>")
    for text in ["x a/b c&<d> y", "a%2Fb%20c%26%3Cd%3E", "a/b c&amp;&lt;d&gt;", '"a/b c&<d>"']:
        assert secrets.found_in(text) == ["a/b c&<d>"]
    assert secrets.found_in(b"YS9iIGMmPGQ+") == ["a/b c&<d>"]
    assert secrets.found_in("nothing here") == []


# -- typed into the pages ----------------------------------------------------------------------

NEW_PASSWORD = "Rotated-Page-Secret-55"


@pytest.mark.django_db(transaction=True)
def test_secrets_typed_into_the_pages_never_leave(login, owner, workspace, catalog, caplog):
    caplog.set_level(logging.DEBUG)
    pg = catalog["postgres-connector"]
    secrets = Secrets(PG_PASSWORD, NEW_PASSWORD)
    client = login(owner)
    slug = workspace.slug
    create = reverse("connectors:connector_create", args=[slug, pg.registry_id])
    host = {"connector_config.connection_info.host": "127.0.0.1"}

    responses = [
        client.post(create, connector_post(pg, name="W", **postgres_fields(port=99999))),
        client.post(
            create,
            connector_post(
                pg, name="W", action="test", **postgres_fields(port=free_port(), **host)
            ),
        ),
        client.post(
            create,
            connector_post(
                pg, name="W", action="test", **postgres_fields(port=free_port(), **host)
            ),
            HTTP_X_FRAGMENT="1",
        ),
    ]
    client.post(create, connector_post(pg, name="W", **postgres_fields()))
    connector = Connector.objects.get(name="W")
    edit = reverse("connectors:connector_edit", args=[slug, connector.pk])
    changed = connector_post(
        pg, connector=connector, **{"connector_config.connection_info.password": NEW_PASSWORD}
    )
    client.post(edit, {**changed, "config-connector_config.connection_info.port": "-1"})
    client.post(edit, changed)
    client.post(reverse("syncs:sync_now", args=[slug, connector.pk]))
    sync = Sync.objects.get(connector=connector)

    for name, args in [
        ("connectors:connector_detail", [connector.pk]),
        ("connectors:connector_edit", [connector.pk]),
        ("connectors:connector_list", []),
        ("syncs:dashboard", []),
        ("syncs:connector_activity", [connector.pk]),
        ("syncs:sync_detail", [sync.pk]),
        ("syncs:connector_documents", [connector.pk]),
    ]:
        responses.append(client.get(reverse(name, args=[slug, *args])))

    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", password="pw-root-1"))
    for url in [
        reverse("admin:connectors_connector_change", args=[connector.pk]),
        reverse("admin:connectors_connector_changelist"),
        reverse("admin:connectors_credential_changelist"),
        reverse("admin:connectors_connector_history", args=[connector.pk]),
        reverse("admin:syncs_sync_change", args=[sync.pk]),
    ]:
        responses.append(admin.get(url))

    for response in responses:
        assert response.status_code in (200, 400), response.status_code
        secrets.assert_not_in_response(response)
    secrets.assert_not_in_logs(caplog)
    secrets.assert_not_in_database()
