"""The Jira reader against the local Jira stand-in (Cloud v3 and Data Center v2)."""

from datetime import UTC, datetime, timedelta

import pytest

from registry.kinds.jira.adf import adf_text
from registry.sources.base import SourceError
from tests.reading import documents, read_all, read_resuming


@pytest.fixture
def tracker(jira):
    """Project SUP: epic SUP-1 with children SUP-2 and SUP-3, tasks SUP-4 and SUP-5; project OPS:
    OPS-1, whose parent is SUP-5."""
    jira.add(1, "SUP-1", "Checkout epic", issuetype="Epic", description="All checkout work.")
    jira.add(
        2,
        "SUP-2",
        "Card payments fail",
        parent="SUP-1",
        description="Visa is declined.",
        comments=[("Ana", "Reproduced on staging.")],
    )
    jira.add(3, "SUP-3", "Receipt e-mail", parent="SUP-1", labels=["email"])
    jira.add(4, "SUP-4", "Login slow", description="Takes ten seconds.")
    jira.add(5, "SUP-5", "Quarterly review")
    jira.add(6, "OPS-1", "Restart cache", parent="SUP-5")
    return jira


def test_cloud_search_pages_by_token_and_fetches_details_in_bulk(make_reader, tracker):
    batches, cursor = read_all(make_reader(batch_size=2))

    docs = documents(batches)
    assert set(docs) == {"10001", "10002", "10003", "10004", "10005"}
    assert len(batches) == 3
    card = docs["10002"]
    assert card.title == "SUP-2: Card payments fail"
    assert card.content == "Card payments fail\n\nVisa is declined.\n\nAna: Reproduced on staging."
    assert card.url == f"{tracker.url}/browse/SUP-2"
    assert card.metadata["parent"] == "SUP-1"
    assert card.metadata["status"] == "To Do"
    searches = tracker.requests_to("/rest/api/3/search/jql")
    assert [bool(s.args.get("nextPageToken")) for s in searches] == [False, True, True]
    assert searches[0].args["fields"] == ["updated,parent"]
    assert len(tracker.requests_to("/issue/bulkfetch")) == 3
    assert cursor.keys() == {"since"}


def test_data_center_search_pages_by_start_at(make_reader, tracker):
    batches, _ = read_all(make_reader(cloud=False, batch_size=4))

    docs = documents(batches)
    assert len(docs) == 5
    assert (
        docs["10002"].content
        == "Card payments fail\n\nVisa is declined.\n\nAna: Reproduced on staging."
    )
    starts = [s.args.get("startAt") for s in tracker.requests_to("/rest/api/2/search")]
    assert starts == [["0"], ["4"]]


def test_children_and_parents_of_matches_are_added(make_reader, tracker):
    children = make_reader(jql_query="key = SUP-1", config={"search_children_issues": True})
    parents = make_reader(jql_query="project = OPS", config={"search_parent_issues": True})

    assert set(documents(read_all(children)[0])) == {"10001", "10002", "10003"}
    assert set(documents(read_all(parents)[0])) == {"10006", "10005"}


def test_attachments_are_read_through_the_signed_media_redirect(make_reader, tracker):
    tracker.attach("SUP-4", 1, "trace.txt", b"GET /login 10.2s", "text/plain")
    tracker.attach("SUP-4", 2, "screen.png", b"\x89PNG", "image/png")

    cloud = documents(read_all(make_reader(config={"include_attachments": True}))[0])
    data_center = documents(
        read_all(make_reader(cloud=False, config={"include_attachments": True}))[0]
    )

    assert cloud["attachment:20001"].content == "GET /login 10.2s"
    assert "attachment:20002" not in cloud
    assert data_center["attachment:20001"].content == "GET /login 10.2s"
    assert tracker.media_host.requests_to("/file/20001")


def test_a_read_resumes_after_each_saved_batch(make_reader, tracker):
    batches, cursor = read_resuming(lambda: make_reader(batch_size=2))

    assert len(documents(batches)) == 5
    assert all(b.cursor.get("token") for b in batches[:-1])
    assert cursor.keys() == {"since"}


def test_incremental_read_returns_only_updated_issues(make_reader, tracker):
    tracker.add(9, "SUP-9", "Old issue", updated=datetime.now(UTC) - timedelta(days=3))
    _, cursor = read_all(make_reader())
    tracker.update("SUP-4", description="Takes two seconds now.")
    tracker.add(7, "SUP-7", "New bug")

    batches, next_cursor = read_all(make_reader(), cursor)

    docs = documents(batches)
    assert set(docs) == {"10004", "10007"}
    assert "two seconds" in docs["10004"].content
    jql = tracker.requests_to("/search/jql")[-1].args["jql"][0]
    assert jql.startswith('(project = SUP) AND updated >= "')
    assert documents(read_all(make_reader(), next_cursor)[0]) == {}


def test_children_of_unchanged_matches_are_still_found_incrementally(make_reader, tracker):
    slots = {"jql_query": "key = SUP-1", "config": {"search_children_issues": True}}
    _, cursor = read_all(make_reader(**slots))
    tracker.update("SUP-3", summary="Receipt e-mail, with PDF")

    batches, _ = read_all(make_reader(**slots), cursor)

    assert set(documents(batches)) == {"10003"}


def test_an_order_by_clause_stays_at_the_end(make_reader, tracker):
    _, cursor = read_all(make_reader(jql_query="project = SUP ORDER BY created DESC"))
    read_all(make_reader(jql_query="project = SUP ORDER BY created DESC"), cursor)

    jql = tracker.requests_to("/search/jql")[-1].args["jql"][0]
    assert jql.startswith("(project = SUP) AND updated >= ")
    assert jql.endswith(" ORDER BY created DESC")


def test_a_full_read_no_longer_lists_a_deleted_issue(make_reader, tracker):
    first = documents(read_all(make_reader())[0])
    tracker.delete("SUP-3")

    second = documents(read_all(make_reader())[0])

    assert set(first) - set(second) == {"10003"}


def test_a_rate_limited_request_is_retried_after_retry_after(make_reader, tracker):
    tracker.fail_next(
        429,
        {"errorMessages": ["Rate limit exceeded."], "errors": {}},
        headers={"Retry-After": "5"},
        path_contains="/issue/bulkfetch",
    )
    reader = make_reader(batch_size=10)

    batches, _ = read_all(reader)

    assert len(documents(batches)) == 5
    assert reader.context.sleeps == [5.0]


def test_adf_text_keeps_structure():
    document = {
        "type": "doc",
        "content": [
            {"type": "heading", "content": [{"type": "text", "text": "Steps"}]},
            {
                "type": "bulletList",
                "content": [
                    {
                        "type": "listItem",
                        "content": [
                            {
                                "type": "paragraph",
                                "content": [
                                    {"type": "text", "text": "Open "},
                                    {"type": "mention", "attrs": {"text": "@Ana"}},
                                    {"type": "hardBreak"},
                                    {"type": "text", "text": "then pay"},
                                ],
                            }
                        ],
                    },
                ],
            },
        ],
    }

    assert adf_text(document) == "Steps\nOpen @Ana\nthen pay"


def test_a_jql_error_is_reported(make_reader, tracker):
    with pytest.raises(SourceError) as raised:
        read_all(make_reader(jql_query="project = = SUP"))

    assert raised.value.message.startswith("Jira answered HTTP 400: Error in the JQL Query")
