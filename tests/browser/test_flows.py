"""The operator's main flows in a real browser: log in; create a PostgreSQL connector through its
generated form; sync a sample-data connector and watch its progress; cancel a running sync; create
a connector in the admin. Each flow saves a screenshot under test-artifacts/browser/."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from connectors import credentials, services
from connectors.models import Connector
from syncs.models import Document, Sync, SyncStatus
from tests.servers.celery_worker import wait_until
from tests.servers.ports import free_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Browser-Secret-4242"


def connector_url(workspace, connector) -> str:
    return f"/w/{workspace.slug}/connectors/{connector.pk}/"


def test_log_in(web, owner, workspace):
    page = web.page
    web.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    page.get_by_label("Username").fill("owner")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("enter a correct username and password")
    page.get_by_label("Password").fill("pw-owner")
    web.screenshot("01-login")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(f"/w/{workspace.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme")
    expect(page.get_by_label("Workspace", exact=True)).to_have_value("acme")
    web.screenshot("01-dashboard")
    assert not web.errors


def test_create_a_postgresql_connector_through_the_generated_form(
    web, owner, workspace, catalog, collection
):
    page = web.page
    web.login_as(owner)
    web.goto(f"/w/{workspace.slug}/catalog/")
    page.get_by_label("Search").fill("postgres")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Create a PostgreSQL connector").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New PostgreSQL connector")

    database_type = page.get_by_label("Database Type")
    connection = page.locator('[data-section="connector_config.connection_info"]')
    host = page.get_by_label("Database Host")
    # With no database type chosen, the connection section is hidden and its fields disabled.
    database_type.evaluate(
        "select => { select.selectedIndex = -1;"
        " select.dispatchEvent(new Event('change', {bubbles: true})); }"
    )
    expect(connection).to_be_hidden()
    expect(host).to_be_disabled()
    database_type.select_option("PostgreSQL")
    expect(connection).to_be_visible()
    expect(host).to_be_enabled()

    page.get_by_label("Name", exact=True).fill("Orders")
    host.fill("127.0.0.1")
    page.get_by_label("Database Port").fill(str(free_port()))
    page.get_by_label("Database Name").fill("shop")
    page.get_by_label("Database Username").fill("reader")
    page.get_by_label("Database Password").fill(PASSWORD)
    page.get_by_label("Table Name").fill("orders")
    page.get_by_label("Timestamp Column").fill("updated_at")

    # Test connection: the result appears in place; the page (and the typed password) stays.
    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("#check-result")).to_contain_text("The connection failed.")
    expect(page.get_by_label("Database Password")).to_have_value(PASSWORD)
    assert PASSWORD not in page.locator("#check-result").inner_text()

    # The schedule: a cron expression, described in words with its next runs.
    page.get_by_label("Repeatedly, on a cron schedule").check()
    page.get_by_label("Cron expression").fill("0 6 * * 1-5")
    expect(page.locator("#schedule-preview")).to_contain_text(
        "At 06:00 AM, Monday through Friday (UTC)"
    )
    expect(page.locator("#schedule-preview li")).to_have_count(5)
    page.get_by_label("Research / Papers").check()

    # An out-of-range port is an inline error next to the field; nothing is saved.
    page.get_by_label("Database Port").fill("70000")
    page.get_by_role("button", name="Create connector").click()
    port_error = page.locator('[id="id_config-connector_config.connection_info.port_error"]')
    expect(port_error).to_contain_text("65535")
    expect(page.get_by_role("alert").first).to_contain_text("nothing was saved")
    expect(page.get_by_label("Database Port")).to_have_attribute("aria-invalid", "true")
    web.screenshot("02-postgres-port-error")
    assert not Connector.objects.exists()
    assert PASSWORD not in page.content()

    page.get_by_label("Database Port").fill("5432")
    page.get_by_label("Database Password").fill(PASSWORD)
    page.get_by_role("button", name="Create connector").click()
    connector = Connector.objects.get(name="Orders")
    expect(page).to_have_url(re.compile(connector_url(workspace, connector) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Orders")
    expect(page.locator("#activity")).to_contain_text("Starting")
    assert "Monday through Friday" in page.locator("#schedule-title + p").inner_text()
    web.screenshot("02-postgres-detail")
    stored = credentials.full_config(connector)["connector_config"]["connection_info"]
    assert stored["port"] == 5432 and stored["password"] == PASSWORD
    assert list(connector.collections.all()) == [collection]
    assert PASSWORD not in page.content()
    assert not web.errors


def sample_connector(workspace, owner, catalog, name, **config):
    return services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=catalog["sample-data"],
        name=name,
        config=config,
    )


def test_watch_a_sync_reach_100_percent_and_its_documents_appear(
    web, celery_processes, owner, workspace, catalog
):
    worker = celery_processes.worker()
    connector = sample_connector(
        workspace,
        owner,
        catalog,
        "Samples",
        document_count=120,
        batch_delay=0.2,
        operations_config={"batch_size": 6},
    )
    page = web.page
    web.login_as(owner)
    web.goto(connector_url(workspace, connector))
    # The check runs in the worker; the page notices the state change by itself.
    expect(page.locator("#activity .badge-lg")).to_have_text("Running", timeout=30_000)
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_role("button", name="Sync now").click()
    sync = wait_until(lambda: Sync.objects.filter(connector=connector).first(), timeout=10)
    bar = page.locator(f"#progress-{sync.pk}")
    page.evaluate("window.stillTheSamePage = true")
    seen = set()

    def reached_100() -> bool:
        value = bar.get_attribute("value") if bar.count() else None
        if value is not None:
            seen.add(int(value))
        return value == "100"

    wait_until(reached_100, timeout=60, interval=0.2, message=celery_processes.logs)
    assert any(0 < value < 100 for value in seen), seen
    assert page.evaluate("window.stillTheSamePage") is True  # updated in place, no reload
    expect(page.locator(f"#sync-{sync.pk}-title + .badge")).to_have_text("Succeeded")
    expect(page.locator("#activity")).to_contain_text("120 of 120 processed")
    expect(page.locator("#document-count")).to_have_text("120 documents")
    web.screenshot("03-sync-finished")

    page.locator("#document-count").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents of Samples")
    expect(page.get_by_role("link", name="Sample document 119")).to_be_visible()
    expect(page.locator("table[aria-label=Documents] tbody tr")).to_have_count(50)
    web.screenshot("03-documents")
    assert Document.objects.filter(connector=connector).count() == 120
    assert worker.process.poll() is None
    assert not web.errors


def test_cancel_a_running_sync(web, celery_processes, owner, workspace, catalog):
    celery_processes.worker()
    connector = sample_connector(
        workspace,
        owner,
        catalog,
        "Slow samples",
        document_count=5000,
        batch_delay=0.3,
        operations_config={"batch_size": 5},
    )
    page = web.page
    web.login_as(owner)
    web.goto(connector_url(workspace, connector))
    expect(page.locator("#activity .badge-lg")).to_have_text("Running", timeout=30_000)
    page.get_by_role("button", name="Sync now").click()
    sync = wait_until(lambda: Sync.objects.filter(connector=connector).first(), timeout=10)
    status = page.locator(f"#sync-{sync.pk}-title + .badge")
    expect(status).to_have_text("Running", timeout=30_000)
    wait_until(
        lambda: (page.locator(f"#progress-{sync.pk}").get_attribute("value") or "0") != "0",
        timeout=30,
        interval=0.2,
    )
    web.screenshot("04-sync-running")
    page.get_by_role("button", name="Cancel sync").click()
    expect(status).to_have_text(re.compile("Cancelling|Cancelled"))
    expect(status).to_have_text("Cancelled", timeout=30_000)
    expect(page.locator("#activity")).to_contain_text("Cancelled by request.")
    web.screenshot("04-sync-cancelled")
    sync.refresh_from_db()
    assert sync.status == SyncStatus.CANCELLED
    assert 0 < Document.objects.filter(connector=connector).count() < 5000
    assert not web.errors


def test_create_a_connector_in_the_admin_through_the_generated_form(web, workspace, catalog):
    root = get_user_model().objects.create_superuser("root", password="pw-root-123")
    page = web.page
    web.login_as(root)
    web.goto("/admin/connectors/connector/")
    page.get_by_role("link", name="Add connector").click()
    page.get_by_role("link", name="PostgreSQL").click()
    expect(page.get_by_role("heading", name="Add PostgreSQL connector")).to_be_visible()

    page.get_by_label("Workspace").select_option(label="Acme")
    page.get_by_label("Name:", exact=True).fill("Admin orders")
    page.get_by_label("Database Type").select_option("MySQL")
    expect(page.get_by_label("Database Host")).to_be_visible()
    page.get_by_label("Database Host").fill("db.example.com")
    page.get_by_label("Database Port").fill("3306")
    page.get_by_label("Database Name").fill("shop")
    page.get_by_label("Database Username").fill("reader")
    page.get_by_label("Database Password").fill(PASSWORD)
    page.get_by_label("Table Name").fill("orders")
    page.get_by_label("Timestamp Column").fill("updated_at")
    # One schedule control: the config's polling interval folds into it.
    expect(page.get_by_label("Polling Interval:", exact=True)).to_have_count(0)
    page.get_by_label("Repeatedly, on a cron schedule").check()
    page.get_by_label("Cron expression").fill("0 0 * * *")
    web.screenshot("05-admin-form")
    page.get_by_role("button", name="Save and continue editing").click()

    connector = Connector.objects.get(name="Admin orders")
    expect(page).to_have_url(re.compile(f"/admin/connectors/connector/{connector.pk}/change/$"))
    expect(page.locator(".messagelist")).to_contain_text("was saved")
    expect(page.get_by_label("Database Password")).to_have_value("")
    expect(page.locator(".admin-config")).to_contain_text("**********")
    web.screenshot("05-admin-saved")
    config = credentials.full_config(connector)["connector_config"]
    assert config["databaseType"] == "MySQL"
    assert (connector.schedule_type, connector.schedule_cron) == ("cron", "0 0 * * *")
    operations = connector.config["operations_config"]
    assert (operations["pollingInterval"], operations["schedule"]) == ("Periodic", "Daily")
    assert config["connection_info"]["password"] == PASSWORD
    assert PASSWORD not in page.content()
    assert not web.errors
