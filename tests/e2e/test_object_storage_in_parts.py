"""A bucket (moto) and a container (Azurite) read in parts through the real worker: the folders
under the prefix in groups, the objects beside them with the first group, every object once
under one sync; the next sync lists everything again and fetches only what changed; a full sync
read in parts prunes a deleted object once."""

import pytest

from syncs.models import SyncPart
from tests.e2e.conftest import counts
from tests.e2e.test_object_storage import azure, s3, storage  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.worker, pytest.mark.database]

KEYS = ["readme.txt"] + [f"{folder}/{n}.txt" for folder in "abcd" for n in (1, 2)]


@pytest.fixture(scope="module")
def worker_env():
    return {"CONNECTOR_HUB_SYNC_PARTS": "3", "CONNECTOR_HUB_SYNC_PART_LEAST": "2"}


def test_objects_read_in_parts_then_changes_then_pruned_once(hub, storage):  # noqa: F811
    for key in KEYS:
        storage.put(key, f"The text of {key}.")
    paging = {"operations_config": {"batch_size": 2, "max_batches": 2}}
    connector = hub.running(storage.kind, {**storage.config, **paging})

    first = hub.sync(connector)

    assert counts(first) == {"created": 9, "updated": 0, "unchanged": 0, "deleted": 0}
    assert set(hub.documents(connector)) == set(KEYS)
    assert hub.documents(connector)["c/2.txt"].content == "The text of c/2.txt."
    parts = SyncPart.objects.filter(sync=first)
    # Folders a | b | c, d; the object beside them goes with the first part.
    assert [(part.state, part.done) for part in parts] == [("done", 3), ("done", 2), ("done", 4)]

    storage.put("b/1.txt", "The text of b/1.txt, corrected.")
    changes = hub.sync(connector)
    assert counts(changes)["updated"] == 1
    assert not SyncPart.objects.filter(sync=changes).exists()

    storage.delete("d/2.txt")
    full = hub.sync(connector, full=True)
    assert SyncPart.objects.filter(sync=full).count() == 3
    assert counts(full) == {"created": 0, "updated": 0, "unchanged": 8, "deleted": 1}
    assert hub.deleted(connector) == {"d/2.txt"}
