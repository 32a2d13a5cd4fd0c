"""The Confluence reader against the local Confluence stand-in (Cloud and Data Center)."""

from datetime import UTC, datetime, timedelta

import pytest

from registry.sources.base import SourceError
from tests.reading import documents, read_all, read_resuming


@pytest.fixture
def wiki(confluence):
    """Space ENG: a page tree 1 > 2 > 3, page 4 in folder 10, pages 5-6, a blog post 7, and page
    8 in another space. Pages 1 and folder 10 carry the label "handbook"."""
    confluence.add_space("ENG", "Engineering")
    confluence.add_space("OPS", "Operations")
    confluence.add(
        1, "Handbook", "ENG", body="<p>Welcome to the handbook.</p>", labels=["handbook"]
    )
    confluence.add(2, "Onboarding", "ENG", body="<p>Day one tasks.</p>", parent=1)
    confluence.add(3, "Laptop setup", "ENG", body="<p>Install the tools.</p>", parent=2)
    confluence.add(10, "Policies", "ENG", type="folder", labels=["handbook"])
    confluence.add(4, "Travel policy", "ENG", body="<p>Book trains.</p>", parent=10)
    confluence.add(5, "Roadmap", "ENG", body="<h2>Q3</h2><ul><li>Search</li></ul>")
    confluence.add(6, "Glossary", "ENG", body="<p>Terms we use.</p>")
    confluence.add(7, "Release notes", "ENG", type="blogpost", body="<p>Version 2 shipped.</p>")
    confluence.add(8, "Runbook", "OPS", body="<p>Restart the service.</p>")
    return confluence


def test_a_space_is_read_page_by_page_on_cloud(make_reader, wiki):
    batches, cursor = read_all(make_reader(spaces=["ENG"], batch_size=2))

    docs = documents(batches)
    assert set(docs) == {"1", "2", "3", "4", "5", "6", "7"}
    assert len(batches) == 4
    assert docs["2"].content == "Day one tasks."
    assert docs["2"].title == "Onboarding"
    assert docs["2"].url == f"{wiki.url}/wiki/spaces/ENG/pages/2/Onboarding"
    assert docs["7"].metadata == {"type": "blogpost", "space": "ENG", "version": 1}
    assert docs["5"].content.split() == ["Q3", "Search"]
    searches = wiki.requests_to("/wiki/rest/api/content/search")
    assert [bool(s.args.get("cursor")) for s in searches] == [False, True, True, True]
    assert cursor.keys() == {"since"}


def test_data_center_is_read_with_a_personal_access_token(make_reader, wiki):
    batches, _ = read_all(make_reader(cloud=False, spaces=["https://x/display/OPS"]))

    assert set(documents(batches)) == {"8"}
    search = wiki.requests_to("/rest/api/content/search")[0]
    assert search.path == "/rest/api/content/search"
    assert search.headers["Authorization"].startswith("Bearer ")


def test_data_center_pages_follow_start_links(make_reader, wiki):
    batches, _ = read_all(make_reader(cloud=False, spaces=["ENG"], batch_size=3))

    assert len(documents(batches)) == 7
    starts = [s.args.get("start") for s in wiki.requests_to("/rest/api/content/search")]
    assert starts == [None, ["3"], ["6"]]


def test_pages_folders_and_children_select_what_they_say(make_reader, wiki):
    alone = make_reader(pages=[f"{wiki.url}/wiki/spaces/ENG/pages/1/Handbook"])
    with_children = make_reader(pages_w_child=["1"])
    folder = make_reader(folders=[f"{wiki.url}/wiki/spaces/ENG/folder/10"])

    assert set(documents(read_all(alone)[0])) == {"1"}
    assert set(documents(read_all(with_children)[0])) == {"1", "2", "3"}
    assert set(documents(read_all(folder)[0])) == {"4"}


def test_cql_matches_are_expanded_to_children_and_folder_pages(make_reader, wiki):
    plain = make_reader(cql_query='label = "handbook"')
    expanded = make_reader(
        cql_query='label = "handbook"', config={"search_children": True, "search_folders": True}
    )

    assert set(documents(read_all(plain)[0])) == {"1"}
    assert set(documents(read_all(expanded)[0])) == {"1", "2", "3", "4"}


def test_attachments_are_read_when_asked(make_reader, wiki):
    wiki.add_attachment(2, "att501", "checklist.txt", b"Badge, laptop, coffee.", "text/plain")
    wiki.add_attachment(2, "att502", "photo.png", b"\x89PNG", "image/png")

    without = documents(read_all(make_reader(pages=["2"]))[0])
    with_attachments = documents(
        read_all(make_reader(pages=["2"], config={"include_attachments": True}))[0]
    )

    assert set(without) == {"2"}
    assert set(with_attachments) == {"2", "att501"}
    assert with_attachments["att501"].content == "Badge, laptop, coffee."
    assert with_attachments["att501"].metadata == {"type": "attachment", "page_id": "2"}


def test_a_read_resumes_after_each_saved_batch(make_reader, wiki):
    slots = {"cql_query": 'label = "handbook"', "config": {"search_children": True}}
    batches, cursor = read_resuming(lambda: make_reader(batch_size=1, **slots))

    assert set(documents(batches)) == {"1", "2", "3"}
    assert len(batches) == 4  # 2 matches, then 2 descendants, one per batch
    assert cursor.keys() == {"since"}


def test_incremental_read_returns_only_changed_pages(make_reader, wiki):
    wiki.add(
        9, "Old notes", "ENG", body="<p>Stale.</p>", when=datetime.now(UTC) - timedelta(days=3)
    )
    _, cursor = read_all(make_reader(spaces=["ENG"]))
    wiki.update(2, body="<p>Day one tasks, revised.</p>")
    wiki.add(11, "New page", "ENG", body="<p>Fresh.</p>")

    batches, next_cursor = read_all(make_reader(spaces=["ENG"]), cursor)

    docs = documents(batches)
    assert set(docs) == {"2", "11"}
    assert docs["2"].content == "Day one tasks, revised."
    assert docs["2"].metadata["version"] == 2
    cql = wiki.requests_to("/content/search")[-1].args["cql"][0]
    assert 'and lastmodified >= "' in cql
    assert documents(read_all(make_reader(spaces=["ENG"]), next_cursor)[0]) == {}


def test_children_of_unchanged_matches_are_still_found_incrementally(make_reader, wiki):
    slots = {"cql_query": 'label = "handbook"', "config": {"search_children": True}}
    _, cursor = read_all(make_reader(**slots))
    wiki.update(3, body="<p>Install the new tools.</p>")

    batches, _ = read_all(make_reader(**slots), cursor)

    assert set(documents(batches)) == {"3"}


def test_a_full_read_no_longer_lists_a_deleted_page(make_reader, wiki):
    first = documents(read_all(make_reader(spaces=["ENG"]))[0])
    wiki.delete(6)

    second = documents(read_all(make_reader(spaces=["ENG"]))[0])

    assert set(first) - set(second) == {"6"}


def test_a_rate_limited_search_is_retried_after_retry_after(make_reader, wiki):
    wiki.fail_next(
        429,
        {"statusCode": 429, "message": "Rate limit exceeded"},
        headers={"Retry-After": "7"},
        path_contains="/content/search",
    )
    reader = make_reader(spaces=["OPS"])

    batches, _ = read_all(reader)

    assert set(documents(batches)) == {"8"}
    assert reader.context.sleeps == [7.0]


def test_a_bad_cql_query_is_reported(make_reader, wiki):
    with pytest.raises(SourceError) as raised:
        read_all(make_reader(cql_query="label = = nonsense"))

    assert raised.value.message.startswith("Confluence answered HTTP 400: Could not parse cql")
