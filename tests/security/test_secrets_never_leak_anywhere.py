"""One connector of every built-in kind, each with recognisable secret values and each failing
against a hostile server that echoes the credentials it receives: every read path shows the
secrets masked or not at all: each API family, the pages and their live fragments (connectors,
syncs, documents, dashboard, audit trail, webhooks), the admin, the commands, the
logs at DEBUG, the failing checks' messages and the failed syncs' errors; and the database holds
none of them in clear."""

import io
import logging

import pytest
from django.core.management import call_command
from django.test import Client

from audit.models import AuditEntry
from connectors import services
from connectors.models import Connector
from connectors.tasks import check_connector
from syncs import services as sync_services
from syncs.engine import run as run_sync
from syncs.models import Document, Sync, SyncStatus, SyncTrigger
from tests.leaks import Secrets
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

    _, key = services.api_key_create(actor=owner, workspace=workspace, name="reader")
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
