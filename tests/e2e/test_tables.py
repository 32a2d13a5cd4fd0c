"""``postgres-connector`` and ``mysql-connector`` end to end: a real PostgreSQL and a real MariaDB
table synced by a worker, handed on between task runs, then only the changed rows, an incremental
sync that finds deleted rows through a keys-only listing; rows titled by a column, then a full sync that prunes a deleted
row; a refused password fails the check without echoing it."""

import json
import uuid

import pytest

from tests.e2e.conftest import assert_failed_check, counts
from tests.registry.sources.test_table_sources import MariaDB, Postgres, make_config

pytestmark = [pytest.mark.worker, pytest.mark.database]

ROWS = 2_500
KINDS = {"postgres": "postgres-connector", "mariadb": "mysql-connector"}


@pytest.fixture(params=list(KINDS))
def table(request):
    server = request.getfixturevalue(f"{request.param}_server")
    database = Postgres(server) if request.param == "postgres" else MariaDB(server)
    name = f"items_{uuid.uuid4().hex[:8]}"
    database.create_items(name, ROWS)
    yield KINDS[request.param], database, name
    database.execute(f"DROP TABLE {name}")


def test_a_table_syncs_through_the_worker_then_only_its_changes(hub, table):
    kind, database, name = table
    config = make_config(database, name)
    config["connector_config"]["schemaInfo"]["titleColumn"] = "title"
    config["operations_config"].update(batch_size=500, max_batches=2)
    connector = hub.running(kind, config)

    first = hub.sync(connector)  # queued by the "Once" polling interval when the check passed

    assert counts(first) == {"created": ROWS, "updated": 0, "unchanged": 0, "deleted": 0}
    assert (first.progress_done, first.progress_total) == (ROWS, ROWS)
    documents = hub.documents(connector)
    assert set(documents) == {str(i) for i in range(1, ROWS + 1)}
    assert json.loads(documents["42"].content)["title"] == "item 42"
    assert documents["42"].title == "item 42"  # the title column's value
    assert first.attempts == 1
    assert any("Reading 2500 row(s)" in line for line in hub.log(first))

    database.touch(name, [7, 2_000], "2030-01-01 00:00:00+00")
    database.insert(name, [ROWS + 1], "2030-01-02 00:00:00+00")
    changes = hub.sync(connector)

    assert counts(changes) == {"created": 1, "updated": 2, "unchanged": 0, "deleted": 0}
    assert changes.documents_seen == 3  # the keyset read asked for the changed rows only
    assert json.loads(hub.documents(connector)["7"].content)["title"] == "item 7 (edited)"
    assert hub.documents(connector)["7"].title == "item 7 (edited)"

    database.execute(f"DELETE FROM {name} WHERE id = 99")
    full = hub.sync(connector, full=True)

    assert counts(full) == {"created": 0, "updated": 0, "unchanged": ROWS, "deleted": 1}
    assert hub.deleted(connector) == {"99"}
    assert len(hub.documents(connector)) == ROWS


def test_an_incremental_sync_reflects_updated_and_deleted_rows(hub, table):
    kind, database, name = table
    connector = hub.running(kind, make_config(database, name))
    assert counts(hub.sync(connector))["created"] == ROWS

    database.touch(name, range(1, 1001), "2030-01-01 00:00:00+00")
    database.execute(f"DELETE FROM {name} WHERE id > 2000")
    changes = hub.sync(connector)

    assert counts(changes) == {"created": 0, "updated": 1000, "unchanged": 0, "deleted": 500}
    assert set(hub.documents(connector)) == {str(i) for i in range(1, 2001)}
    assert hub.deleted(connector) == {str(i) for i in range(2001, ROWS + 1)}
    assert any("primary keys" in line for line in hub.log(changes))
    assert counts(hub.sync(connector)) == {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0}


def test_a_refused_password_fails_the_check_in_the_worker(hub, table):
    kind, database, name = table
    wrong = "Wr0ng-Pa55word-e2e"
    connector = hub.checked(hub.create(kind, make_config(database, name, password=wrong)))

    assert_failed_check(connector, "refused the user name or password", wrong)
