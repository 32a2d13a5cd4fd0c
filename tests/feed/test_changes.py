"""What a consumer of a collection's change feed receives, change by change: live documents first,
then changes once each in their latest state, associations as upserts, dissociations and
deletions as deletes in that collection only."""

import pytest

from connectors import services
from syncs.feed.reader import changes_page
from tenancy import services as tenancy_services
from tests.feed.conftest import Consumer, live_view

pytestmark = [pytest.mark.database, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def warehouse(make_connector, collection, owner):
    connector = make_connector(name="warehouse")
    services.connector_associate(actor=owner, connector=connector, collection=collection)
    return connector


def test_no_cursor_gives_every_live_document_once_as_upserts(warehouse, write, collection):
    write(warehouse, upsert=["a", "b", "c", "gone"])
    write(warehouse, upsert=["a"], version=2)
    write(warehouse, delete=["gone"])

    consumer = Consumer(collection, limit=2)
    received = consumer.drain()

    assert sorted(received) == [("upsert", "a"), ("upsert", "b"), ("upsert", "c")]
    assert consumer.view() == live_view(collection)
    assert {d["title"] for d in consumer.copy.values()} == {"a v2", "b v1", "c v1"}


def test_an_empty_page_still_gives_a_cursor_to_poll_with(warehouse, write, collection):
    consumer = Consumer(collection)
    page = consumer.page()
    assert page.changes == [] and page.more is False
    assert page.cursor.dumps()

    write(warehouse, upsert=["later"])
    assert consumer.drain() == [("upsert", "later")]
    assert consumer.drain() == []


def test_changes_come_once_in_their_latest_state(warehouse, write, collection):
    write(warehouse, upsert=["a", "b", "c"])
    consumer = Consumer(collection)
    consumer.drain()

    write(warehouse, upsert=["a"], version=2)
    write(warehouse, upsert=["a"], version=3)
    write(warehouse, upsert=["a"], version=3)  # unchanged: not a change
    write(warehouse, upsert=["d"])
    write(warehouse, delete=["b"])
    write(warehouse, upsert=["c"], version=2)
    write(warehouse, delete=["c"])

    received = consumer.drain()
    assert sorted(received) == [
        ("delete", "b"),
        ("delete", "c"),
        ("upsert", "a"),
        ("upsert", "d"),
    ]
    assert consumer.copy[_id(consumer, "a")]["title"] == "a v3"
    assert consumer.view() == live_view(collection)


def test_each_poll_delivers_what_was_committed_since_the_last(warehouse, write, collection):
    consumer = Consumer(collection)
    consumer.drain()
    write(warehouse, upsert=["one", "two"])
    assert sorted(consumer.drain()) == [("upsert", "one"), ("upsert", "two")]
    write(warehouse, upsert=["one"], version=2)
    write(warehouse, upsert=["three"])
    assert sorted(consumer.drain()) == [("upsert", "one"), ("upsert", "three")]
    write(warehouse, delete=["one"])
    assert consumer.drain() == [("delete", "one")]
    write(warehouse, upsert=["one"], version=3)
    assert consumer.drain() == [("upsert", "one")]
    assert consumer.view() == live_view(collection)


def test_a_document_back_in_the_source_is_an_upsert_again(warehouse, write, collection):
    write(warehouse, upsert=["a", "b"])
    consumer = Consumer(collection)
    consumer.drain()
    write(warehouse, upsert=["a"], prune_pass=True)  # b is pruned
    assert consumer.drain() == [("delete", "b")]
    write(warehouse, upsert=["a", "b"])  # b comes back unchanged; a is only seen again
    assert consumer.drain() == [("upsert", "b")]
    assert consumer.view() == live_view(collection)


def test_association_brings_the_connectors_documents_as_upserts(
    make_connector, write, collection, owner, warehouse
):
    archive = make_connector(name="archive")
    write(archive, upsert=["x", "y"])
    write(archive, upsert=["dead"])
    write(archive, delete=["dead"])
    write(warehouse, upsert=["a"])
    consumer = Consumer(collection)
    assert consumer.drain() == [("upsert", "a")]

    services.connector_associate(actor=owner, connector=archive, collection=collection)
    write(archive, upsert=["z"])

    assert sorted(consumer.drain()) == [("upsert", "x"), ("upsert", "y"), ("upsert", "z")]
    assert consumer.view() == live_view(collection)


def test_dissociation_deletes_in_that_collection_only(warehouse, write, collection, space, owner):
    other = tenancy_services.collection_create(actor=owner, space=space, name="Other")
    services.connector_associate(actor=owner, connector=warehouse, collection=other)
    write(warehouse, upsert=["a", "b"])
    here, there = Consumer(collection), Consumer(other)
    here.drain(), there.drain()

    services.connector_dissociate(actor=owner, connector=warehouse, collection=collection)
    write(warehouse, upsert=["c"])  # after it left: not this collection's any more

    received = here.drain()
    # Everything it has now is sent as a delete; "c" never reached this consumer, and a delete
    # of a document a consumer does not have is harmless.
    assert {op for op, _ in received} == {"delete"}
    assert {"a", "b"} <= {name for _, name in received} <= {"a", "b", "c"}
    assert here.copy == {} and live_view(collection) == {}
    assert there.drain() == [("upsert", "c")]
    assert there.view() == live_view(other)


def test_reassociation_after_changes_while_away(warehouse, write, collection, owner):
    write(warehouse, upsert=["a", "b", "c"])
    consumer = Consumer(collection)
    consumer.drain()
    services.connector_dissociate(actor=owner, connector=warehouse, collection=collection)
    write(warehouse, upsert=["a"], version=2)
    write(warehouse, delete=["b"])
    write(warehouse, upsert=["d"])
    services.connector_associate(actor=owner, connector=warehouse, collection=collection)
    write(warehouse, upsert=["e"])

    consumer.drain()
    assert consumer.view() == live_view(collection)
    assert sorted(d["external_id"] for d in consumer.copy.values()) == ["a", "c", "d", "e"]


def test_a_consumer_starting_late_never_sees_what_left_before(
    warehouse, write, collection, owner, make_connector
):
    gone = make_connector(name="gone")
    services.connector_associate(actor=owner, connector=gone, collection=collection)
    write(gone, upsert=["g1", "g2"])
    write(warehouse, upsert=["a", "b"])
    write(warehouse, delete=["b"])
    services.connector_dissociate(actor=owner, connector=gone, collection=collection)

    assert Consumer(collection).drain() == [("upsert", "a")]


def test_deleting_a_connector_deletes_its_documents_from_the_feed(
    warehouse, write, collection, owner, make_connector, django_capture_on_commit_callbacks
):
    other = make_connector(name="other")
    services.connector_associate(actor=owner, connector=other, collection=collection)
    write(warehouse, upsert=["a", "b"])
    write(other, upsert=["o"])
    consumer = Consumer(collection)
    consumer.drain()

    services.connector_delete(actor=owner, connector=warehouse)
    assert sorted(consumer.drain()) == [("delete", "a"), ("delete", "b")]

    from syncs.tasks import purge_connector

    purge_connector(str(warehouse.pk))  # its documents become tombstones
    assert consumer.drain() == []
    late = Consumer(collection)
    assert late.drain() == [("upsert", "o")]
    assert consumer.view() == late.view() == live_view(collection)


def test_pages_follow_the_limit(warehouse, write, collection):
    write(warehouse, upsert=[f"d{i:02}" for i in range(25)])
    consumer = Consumer(collection, limit=10)
    sizes = []
    while True:
        page = consumer.page()
        sizes.append(len(page.changes))
        if not page.more:
            break
    assert sizes == [10, 10, 5]
    assert len(consumer.copy) == 25


def test_fields_trim_the_upserts(warehouse, write, collection):
    write(warehouse, upsert=["a"])
    page = changes_page(collection, None, limit=10, fields=("title",))
    assert page.changes[0].document.keys() == {"id", "connector_id", "external_id", "title"}
    write(warehouse, delete=["a"])
    deleted = changes_page(collection, page.cursor, limit=10).changes[0]
    assert deleted.op == "delete"
    assert deleted.document.keys() == {"id", "connector_id", "external_id"}


def _id(consumer, external_id):
    return next(pk for pk, d in consumer.copy.items() if d["external_id"] == external_id)
