"""``google_drive`` and ``impersonated_google_drive`` end to end against the local OAuth + Drive
stand-in: a worker checks the service-account key (and the delegation to the user), walks the
folder tree page by page, then takes only files modified since (a rate-limited listing retried
after Retry-After), and prunes a trashed file on a full sync; a key Google does not know fails
the check without echoing it."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import assert_failed_check, counts
from tests.fakes.google_drive import DOC, FOLDER, new_key

pytestmark = [pytest.mark.worker, pytest.mark.database]

ACCOUNT = "indexer@hub-e2e.iam.gserviceaccount.com"
USER = "ana@example.com"
ROOT, SUB = "1RootFolder0000000000e2e1", "1SubFolder00000000000e2e1"
LAST_WEEK = datetime.now(UTC) - timedelta(days=7)


@pytest.fixture
def key_file(google_server) -> dict:
    return google_server.service_account(ACCOUNT, delegate_to=[USER])


@pytest.fixture
def drive(google_server):
    """ROOT (shared with the account and Ana): a Google Doc, a text file and SUB with two more;
    all last modified a week ago."""
    google = google_server
    google.reset()
    google.add(ROOT, "Team", shared_with=[ACCOUNT, USER])
    google.add("1DocHandbook000000000e2e1", "Handbook", DOC, ROOT, b"Welcome aboard.")
    google.add("1TextNotes0000000000e2e01", "notes.txt", "text/plain", ROOT, b"Plain notes.")
    google.add(SUB, "Archive", FOLDER, ROOT)
    for n in (1, 2):
        google.add(f"1Archived00000000000e2e{n}", f"old-{n}.txt", "text/plain", SUB, b"Old.")
    for item in google.files.values():
        item.modified = item.created = LAST_WEEK
    return google


def config(kind: str, key: dict) -> dict:
    values = {
        "root_file_id": f"https://drive.google.com/drive/folders/{ROOT}",
        "service_account_json": json.dumps(key),
        "operations_config": {"batch_size": 2},
    }
    if kind == "impersonated_google_drive":
        values["target_account"] = USER
    return values


@pytest.mark.parametrize("kind", ["google_drive", "impersonated_google_drive"])
def test_a_drive_folder_tree_then_modified_files_then_a_full_sync_prunes(
    hub, drive, key_file, kind
):
    connector = hub.running(kind, config(kind, key_file))

    hub.sync(connector)

    documents = hub.documents(connector)
    assert set(documents) == {
        "1DocHandbook000000000e2e1",
        "1TextNotes0000000000e2e01",
        "1Archived00000000000e2e1",
        "1Archived00000000000e2e2",
    }
    assert documents["1DocHandbook000000000e2e1"].content == "Welcome aboard."  # exported
    listings = [s for s in drive.requests_to("/drive/v3/files") if s.path == "/drive/v3/files"]
    assert any(s.args.get("pageToken") for s in listings)

    drive.update("1TextNotes0000000000e2e01", content=b"Plain notes, revised.")
    drive.add("1TextNew000000000000e2e1", "new.txt", "text/plain", SUB, b"Brand new.")
    drive.fail_next(
        429,
        {
            "error": {
                "code": 429,
                "message": "Too many requests",
                "errors": [{"domain": "usageLimits", "reason": "rateLimitExceeded"}],
            }
        },
        headers={"Retry-After": "1"},
        path_contains="/drive/v3/files",
    )
    changes = hub.sync(connector)

    assert counts(changes) == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 0}
    assert hub.documents(connector)["1TextNotes0000000000e2e01"].content == "Plain notes, revised."
    assert any("limiting the request rate" in line for line in hub.log(changes))

    drive.update("1Archived00000000000e2e2", trashed=True)
    full = hub.sync(connector, full=True)

    assert counts(full) == {"created": 0, "updated": 0, "unchanged": 4, "deleted": 1}
    assert hub.deleted(connector) == {"1Archived00000000000e2e2"}


def test_a_key_google_does_not_know_fails_the_check_in_the_worker(hub, drive, key_file):
    forged = {**key_file, "private_key": new_key()[0]}

    connector = hub.checked(hub.create("google_drive", config("google_drive", forged)))

    assert_failed_check(connector, "Google refused the service account key", "PRIVATE KEY")
    body = forged["private_key"].splitlines()[1]
    assert body not in connector.state_reason
