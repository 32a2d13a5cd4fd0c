"""A table read in parts by primary-key ranges through the real worker (PostgreSQL and MariaDB):
every row once under one sync, then the next sync reads only what changed after the split, and a
full sync read in parts again prunes a deleted row once."""

import pytest

from syncs.models import SyncPart
from tests.e2e.conftest import counts
from tests.e2e.test_tables import ROWS, table  # noqa: F401 (a fixture)
from tests.registry.sources.test_table_sources import make_config

pytestmark = [pytest.mark.worker, pytest.mark.database]


@pytest.fixture(scope="module")
def worker_env():
    return {"CONNECTOR_HUB_SYNC_PARTS": "3", "CONNECTOR_HUB_SYNC_PART_LEAST": "500"}


def test_a_table_read_in_parts_then_its_changes_then_pruned_once(hub, table):  # noqa: F811
    kind, database, name = table
    config = make_config(database, name)
    config["operations_config"].update(batch_size=200, max_batches=2)
    connector = hub.running(kind, config)

    first = hub.sync(connector)

    assert counts(first) == {"created": ROWS, "updated": 0, "unchanged": 0, "deleted": 0}
    assert (first.progress_done, first.progress_total) == (ROWS, ROWS)
    parts = SyncPart.objects.filter(sync=first)
    assert [(part.state, part.done) for part in parts] == [
        ("done", 834),
        ("done", 834),
        ("done", 832),
    ]
    assert set(hub.documents(connector)) == {str(i) for i in range(1, ROWS + 1)}

    database.touch(name, [7, 2_000], "2030-01-01 00:00:00+00")
    changes = hub.sync(connector)
    assert counts(changes) == {"created": 0, "updated": 2, "unchanged": 0, "deleted": 0}
    assert not SyncPart.objects.filter(sync=changes).exists()  # a read of changes is one read

    database.execute(f"DELETE FROM {name} WHERE id = 99")
    full = hub.sync(connector, full=True)
    assert SyncPart.objects.filter(sync=full).count() == 3
    assert counts(full) == {"created": 0, "updated": 0, "unchanged": ROWS - 1, "deleted": 1}
    assert hub.deleted(connector) == {"99"}
