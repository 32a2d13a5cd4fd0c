"""The Google Drive readers against the local OAuth + Drive stand-in, through the real
google-api-python-client (static discovery, local endpoint and token URI)."""

import pytest

from registry.sources.base import SourceError
from tests.fakes.google_drive import DOC, FOLDER, SHEET
from tests.reading import documents, read_all, read_resuming
from tests.registry.kinds.google_drive.conftest import ACCOUNT, ROOT, USER

SUB = "1SubFolder000000000000001"


@pytest.fixture
def drive(google):
    """ROOT (shared with the service account and Ana): a Doc, a Sheet, two text files, a picture,
    a file of a shared drive, and SUB with three more text files. LONE is shared on its own."""
    google.add(ROOT, "Team", shared_with=[ACCOUNT, USER])
    google.add("1DocHandbook0000000000001", "Handbook", DOC, ROOT, b"Welcome aboard.")
    google.add("1SheetBudget000000000001", "Budget", SHEET, ROOT, b"item,cost\nrent,100\n")
    google.add("1TextNotes00000000000001", "notes.txt", "text/plain", ROOT, b"Plain notes.")
    google.add(
        "1TextAgenda0000000000001", "agenda.md", "text/markdown", ROOT, b"# Agenda\n\nItems."
    )
    google.add("1ImagePhoto0000000000001", "photo.png", "image/png", ROOT, b"\x89PNG")
    google.add(
        "1SharedDrive000000000001",
        "contract.txt",
        "text/plain",
        ROOT,
        b"Shared drive file.",
        drive_id="0AShared",
    )
    google.add(SUB, "Archive", FOLDER, ROOT)
    for n in range(1, 4):
        google.add(
            f"1Archived00000000000000{n}", f"old-{n}.txt", "text/plain", SUB, f"Old {n}.".encode()
        )
    google.add(
        "1LoneFile000000000000001", "lone.txt", "text/plain", None, b"Alone.", shared_with=[ACCOUNT]
    )
    google.add("1Private00000000000000001", "private.txt", "text/plain", None, b"Nobody's.")
    return google


ALL = {
    "1DocHandbook0000000000001",
    "1SheetBudget000000000001",
    "1TextNotes00000000000001",
    "1TextAgenda0000000000001",
    "1SharedDrive000000000001",
    "1Archived000000000000001",
    "1Archived000000000000002",
    "1Archived000000000000003",
}


def test_folders_are_walked_page_by_page(make_reader, drive):
    batches, cursor = read_all(make_reader(batch_size=2))

    docs = documents(batches)
    assert set(docs) == ALL
    assert docs["1DocHandbook0000000000001"].content == "Welcome aboard."
    assert docs["1DocHandbook0000000000001"].metadata["mime_type"] == DOC
    assert docs["1SheetBudget000000000001"].content == "item\tcost\nrent\t100"
    assert docs["1TextAgenda0000000000001"].title == "agenda.md"
    assert docs["1TextNotes00000000000001"].url.startswith("https://drive.google.com/file/d/")
    lists = drive.requests_to("/drive/v3/files")
    lists = [s for s in lists if s.path == "/drive/v3/files"]
    assert sum(1 for s in lists if s.args.get("pageToken")) >= 3
    assert all(s.args["includeItemsFromAllDrives"] == ["true"] for s in lists)
    assert drive.requests_to("/export")
    assert cursor.keys() == {"since"}


def test_root_items_may_be_files_given_by_link(make_reader, drive):
    reader = make_reader(
        root_file_id="https://drive.google.com/file/d/1LoneFile000000000000001/view?usp=sharing",
        root_item_ids=[f"https://drive.google.com/drive/folders/{SUB}"],
    )

    assert reader.config["root_file_id"] == "1LoneFile000000000000001"
    assert reader.config["root_item_ids"] == [SUB]
    docs = documents(read_all(reader)[0])
    assert set(docs) == {
        "1LoneFile000000000000001",
        *(f"1Archived00000000000000{n}" for n in (1, 2, 3)),
    }


def test_impersonation_reads_as_the_user(make_reader, drive):
    drive.add(
        "1AnaOnly00000000000000001", "ana.txt", "text/plain", None, b"Ana's.", shared_with=[USER]
    )
    reader = make_reader(impersonate=True, root_item_ids=["1AnaOnly00000000000000001"])

    docs = documents(read_all(reader)[0])

    assert set(docs) == ALL | {"1AnaOnly00000000000000001"}
    assert drive.tokens_for(USER)
    assert not drive.tokens_for(ACCOUNT)


def test_a_read_resumes_after_each_saved_batch(make_reader, drive):
    batches, cursor = read_resuming(lambda: make_reader(batch_size=3))

    assert set(documents(batches)) == ALL
    assert cursor.keys() == {"since"}


def test_incremental_read_returns_only_modified_files(make_reader, drive):
    _, cursor = read_all(make_reader())
    drive.update("1TextNotes00000000000001", content=b"Plain notes, edited.")
    drive.add("1NewInSub0000000000000001", "new.txt", "text/plain", SUB, b"New.")

    batches, next_cursor = read_all(make_reader(), cursor)

    docs = documents(batches)
    assert set(docs) == {"1TextNotes00000000000001", "1NewInSub0000000000000001"}
    assert docs["1TextNotes00000000000001"].content == "Plain notes, edited."
    query = [s for s in drive.seen if s.path == "/drive/v3/files"][-1].args["q"][0]
    assert "modifiedTime > '" in query
    assert documents(read_all(make_reader(), next_cursor)[0]) == {}


def test_a_full_read_no_longer_lists_trashed_or_removed_files(make_reader, drive):
    first = documents(read_all(make_reader())[0])
    drive.update("1TextNotes00000000000001", trashed=True)
    del drive.files["1Archived000000000000002"]

    second = documents(read_all(make_reader())[0])

    assert set(first) - set(second) == {"1TextNotes00000000000001", "1Archived000000000000002"}


def test_a_rate_limit_403_is_retried_like_a_429(make_reader, drive):
    drive.fail_next(
        403,
        {
            "error": {
                "code": 403,
                "message": "User Rate Limit Exceeded",
                "errors": [
                    {
                        "domain": "usageLimits",
                        "reason": "userRateLimitExceeded",
                        "message": "User Rate Limit Exceeded",
                    }
                ],
            }
        },
        path_contains="/drive/v3/files",
    )
    drive.fail_next(
        429,
        {
            "error": {
                "code": 429,
                "message": "Too many requests",
                "errors": [{"domain": "usageLimits", "reason": "rateLimitExceeded"}],
            }
        },
        headers={"Retry-After": "6"},
        path_contains="/export",
    )
    reader = make_reader(batch_size=10)

    docs = documents(read_all(reader)[0])

    assert set(docs) == ALL
    assert reader.context.sleeps == [2.0, 6.0]


def test_a_forbidden_file_is_an_error_not_a_retry(make_reader, drive):
    drive.fail_next(
        403,
        {
            "error": {
                "code": 403,
                "message": "The user does not have sufficient permissions for this file.",
                "errors": [{"domain": "global", "reason": "insufficientFilePermissions"}],
            }
        },
        path_contains=ROOT,
    )

    with pytest.raises(SourceError) as raised:
        read_all(make_reader())

    assert raised.value.retryable is False
    assert raised.value.type == "PermissionDenied"


def test_a_redirect_to_a_refused_address_is_not_followed(make_reader, google, drive):
    reader = make_reader()
    reader.check()
    google.fail_next(302, b"", headers={"Location": "http://169.254.169.254/computeMetadata/v1/"})

    with pytest.raises(SourceError) as raised:
        read_all(reader)

    assert raised.value.type == "EgressRefused"
