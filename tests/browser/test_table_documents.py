"""A PostgreSQL table's rows in a real browser, synced by the engine with a title column: the
documents list reads as the column's values, and a row reads as its columns. Screenshot under
test-artifacts/browser/."""

import pytest
from playwright.sync_api import expect

from connectors import services
from connectors.lifecycle import State
from connectors.models import Connector
from syncs import engine
from syncs import services as sync_services
from syncs.models import SyncStatus, SyncTrigger
from tests.registry.sources.test_table_sources import Postgres, make_config

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_table_rows_are_titled_by_their_title_column(
    web, owner, workspace, catalog, postgres_server
):
    page = web.page
    database = Postgres(postgres_server)
    database.execute(
        "DROP TABLE IF EXISTS customers",
        "CREATE TABLE customers (id integer PRIMARY KEY, name text, city text, "
        "updated_at timestamptz)",
        "INSERT INTO customers SELECT g, 'Customer ' || g, (ARRAY['Lyon', 'Turin', 'Ghent'])[1 + g % 3], "
        "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' "
        "FROM generate_series(1, 30) g",
    )
    config = make_config(database, "customers")
    config["connector_config"]["schemaInfo"]["titleColumn"] = "name"
    connector = services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=catalog["postgres-connector"],
        name="Customers",
        config=config,
    )
    Connector.objects.filter(pk=connector.pk).update(state=State.RUNNING, check_token=None)
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.MANUAL)
    engine.run(sync.pk, inline=True)
    sync.refresh_from_db()
    assert (sync.status, sync.documents_created) == (SyncStatus.SUCCEEDED, 30)

    web.login_as(owner)
    web.goto(f"/w/{workspace.slug}/connectors/{connector.pk}/documents/")
    table = page.get_by_role("table", name="Documents")
    expect(table.locator("tbody tr").first).to_contain_text("Customer 30")
    expect(table).not_to_contain_text("customers 30")
    web.screenshot("19-documents-titled-by-column")
    table.get_by_role("link", name="Customer 7", exact=True).click()
    columns = page.get_by_role("table", name="Columns of this row")
    expect(columns.get_by_role("row", name="city")).to_contain_text("Turin")
    assert not web.errors
