"""The SharePoint reader against the local identity + Graph stand-in over TLS, through msal."""

import pytest

from tests.reading import deleted, documents, read_all, read_resuming

SITE = "https://contoso.sharepoint.com/sites/Team"


@pytest.fixture
def library(microsoft):
    """Site Team, library "Shared Documents": intro.txt, logo.png, Policies/ (travel.txt,
    leave.md, Archive/old.txt) and Drafts/plan.txt."""
    site = microsoft.add_site(
        "contoso.sharepoint.com", "/sites/Team", "Shared Documents", "Reports"
    )
    drive = microsoft.drives[site["drives"][0]]
    add = microsoft.add_item
    items = {"intro": add(drive, "intro.txt", content=b"Welcome to the team site.")}
    add(drive, "logo.png", content=b"\x89PNG", mime_type="image/png")
    items["policies"] = add(drive, "Policies")
    items["travel"] = add(drive, "travel.txt", items["policies"], b"Book trains.")
    items["leave"] = add(
        drive, "leave.md", items["policies"], b"# Leave\n\nAsk early.", "text/markdown"
    )
    items["archive"] = add(drive, "Archive", items["policies"])
    items["old"] = add(drive, "old.txt", items["archive"], b"Old rules.")
    items["drafts"] = add(drive, "Drafts")
    items["plan"] = add(drive, "plan.txt", items["drafts"], b"Next quarter.")
    return drive, items


def keys(drive, *names, items):
    return {f"{drive.id}:{items[name].id}" for name in names}


def test_a_site_library_is_enumerated_page_by_page(make_reader, microsoft, library):
    drive, items = library
    batches, cursor = read_all(make_reader(SITE, batch_size=3))

    docs = documents(batches)
    assert set(docs) == keys(drive, "intro", "travel", "leave", "old", "plan", items=items)
    assert len(batches) == 4  # root + 10 items, three per page
    intro = docs[f"{drive.id}:{items['intro'].id}"]
    assert intro.content == "Welcome to the team site."
    assert intro.url == f"{drive.web_url}/intro.txt"
    deltas = microsoft.requests_to("/root/delta")
    assert [bool(s.args.get("$skiptoken")) for s in deltas] == [False, True, True, True]
    assert cursor["targets"][SITE]["delta"].startswith(f"{microsoft.url}/v1.0/drives/")
    assert cursor["current"] is None


def test_a_folder_link_reads_only_that_folder(make_reader, library):
    drive, items = library

    batches, _ = read_all(make_reader(f"{SITE}/Shared%20Documents/Policies"))

    assert set(documents(batches)) == keys(drive, "travel", "leave", "old", items=items)


def test_a_library_view_link_points_at_its_folder(make_reader, library):
    drive, items = library
    view = f"{SITE}/Shared%20Documents/Forms/AllItems.aspx?id=%2Fsites%2FTeam%2FShared%20Documents%2FDrafts"

    batches, _ = read_all(make_reader(view))

    assert set(documents(batches)) == keys(drive, "plan", items=items)


def test_changes_and_deletions_come_from_the_delta_link(make_reader, microsoft, library):
    drive, items = library
    _, cursor = read_all(make_reader(SITE))
    downloads = len(microsoft.requests_to("/content"))
    microsoft.change(drive, items["travel"], content=b"Book trains, second class.")
    new = microsoft.add_item(drive, "new.txt", items["drafts"], b"Fresh.")
    microsoft.remove(drive, items["intro"])

    batches, next_cursor = read_all(make_reader(SITE), cursor)

    docs = documents(batches)
    assert set(docs) == {f"{drive.id}:{items['travel'].id}", f"{drive.id}:{new.id}"}
    assert docs[f"{drive.id}:{items['travel'].id}"].content == "Book trains, second class."
    assert deleted(batches) == keys(drive, "intro", items=items)
    assert len(microsoft.requests_to("/content")) == downloads + 2
    again = read_all(make_reader(SITE), next_cursor)[0]
    assert documents(again) == {} and deleted(again) == set()


def test_a_folder_read_reports_files_moved_out_or_deleted(make_reader, microsoft, library):
    drive, items = library
    url = f"{SITE}/Shared%20Documents/Policies"
    _, cursor = read_all(make_reader(url))
    microsoft.change(drive, items["travel"], parent=items["drafts"].id)
    microsoft.remove(drive, items["archive"])
    items["elsewhere"] = microsoft.add_item(drive, "elsewhere.txt", items["drafts"], b"Elsewhere.")

    batches, _ = read_all(make_reader(url), cursor)

    assert documents(batches) == {}
    # A changed file outside the folder cannot be told from one moved out of it (delta items
    # carry no path): its id is reported too, and deleting an id never read does nothing.
    assert deleted(batches) == keys(drive, "travel", "archive", "old", "elsewhere", items=items)


def test_an_expired_change_token_reads_the_drive_again(make_reader, microsoft, library):
    drive, items = library
    _, cursor = read_all(make_reader(SITE))
    microsoft.change(drive, items["plan"], content=b"Next quarter, revised.")
    microsoft.expire_tokens(drive)
    reader = make_reader(SITE)

    batches, next_cursor = read_all(reader, cursor)

    assert set(documents(batches)) == keys(
        drive, "intro", "travel", "leave", "old", "plan", items=items
    )
    assert any("expired" in message for _, message in reader.context.lines)
    assert next_cursor["targets"][SITE]["delta"] != cursor["targets"][SITE]["delta"]
    # The engine is told where the full listing starts, so that it prunes at its end.
    assert [batch.starts_full_pass for batch in batches] == [True] + [False] * (len(batches) - 1)


def test_an_expired_token_of_one_link_reads_every_link_again(make_reader, microsoft, library):
    drive, items = library
    other = microsoft.add_site("contoso.sharepoint.com", "/sites/Sales")
    sales = microsoft.drives[other["drives"][0]]
    pipeline = microsoft.add_item(sales, "pipeline.txt", content=b"Three deals.")
    urls = (SITE, "https://contoso.sharepoint.com/sites/Sales")
    _, cursor = read_all(make_reader(*urls, batch_size=20))
    microsoft.expire_tokens(sales)

    batches, next_cursor = read_all(make_reader(*urls, batch_size=20), cursor)

    # The first link's changes (none) were read, then the second link's token had expired:
    # the whole selection is listed again, starting with the batch that says so.
    flagged = [index for index, batch in enumerate(batches) if batch.starts_full_pass]
    assert len(flagged) == 1
    relisted = documents(batches[flagged[0] :])
    assert set(relisted) == keys(drive, "intro", "travel", "leave", "old", "plan", items=items) | {
        f"{sales.id}:{pipeline.id}"
    }
    assert all(target["delta"] for target in next_cursor["targets"].values())


def test_a_throttled_request_is_retried_after_retry_after(make_reader, microsoft, library):
    microsoft.fail_next(
        429,
        {"error": {"code": "TooManyRequests", "message": "Please retry after 3 seconds."}},
        headers={"Retry-After": "3"},
        path_contains="/root/delta",
    )
    reader = make_reader(SITE, batch_size=20)

    batches, _ = read_all(reader)

    assert len(documents(batches)) == 5
    assert reader.context.sleeps == [3.0]


def test_a_read_resumes_after_each_saved_batch(make_reader, microsoft, library):
    other = microsoft.add_site("contoso.sharepoint.com", "/sites/Sales")
    sales = microsoft.drives[other["drives"][0]]
    microsoft.add_item(sales, "pipeline.txt", content=b"Three deals.")
    urls = (SITE, "https://contoso.sharepoint.com/sites/Sales/Shared%20Documents")

    batches, cursor = read_resuming(lambda: make_reader(*urls, batch_size=4))

    assert len(documents(batches)) == 6
    assert set(cursor["targets"]) == set(urls)
    assert all(target["delta"] for target in cursor["targets"].values())
