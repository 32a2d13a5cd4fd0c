"""``CompiledRead``: the ORM's SQL compiled once, run with each call's values."""

import datetime
import itertools
import re
import threading
import uuid

import pytest
from django.db import connection
from django.db.models import Exists
from django.test.utils import CaptureQueriesContext

from config.compiled_read import CompiledRead
from connectors import selectors, services
from connectors.models import Connector
from syncs import selectors as sync_selectors
from syncs.models import Document
from tenancy import services as tenancy_services
from tenancy.selectors import CollectionPath

pytestmark = pytest.mark.database


def _connector_read(counted: list | None = None) -> CompiledRead:
    def build(workspace_id, space_id, collection_id, connector_id):
        if counted is not None:
            counted.append(threading.get_ident())
        path = CollectionPath(workspace_id, space_id, collection_id)
        return (
            Connector.objects.filter(workspace_id=workspace_id)
            .filter(pk=connector_id)
            .filter(Exists(path.collections()))[:1]
        )

    return CompiledRead(selectors.connector_columns(collections=True), build)


def _orm_row(workspace_id, space_id, collection_id, connector_id):
    path = CollectionPath(workspace_id, space_id, collection_id)
    queryset = (
        Connector.objects.filter(workspace_id=workspace_id)
        .filter(pk=connector_id)
        .filter(Exists(path.collections()))
    )
    return selectors.connector_columns(collections=True).first(queryset)


def test_rows_are_the_orms_rows_for_every_value(
    workspace, other_workspace, space, collection, make_connector
):
    connector = make_connector(collections=[collection])
    alone = make_connector(name="alone")
    read = _connector_read()
    cases = [
        (workspace.pk, space.pk, collection.pk, connector.pk),  # found
        (workspace.pk, space.pk, collection.pk, alone.pk),  # found: the path exists
        (other_workspace.pk, space.pk, collection.pk, connector.pk),  # another workspace
        (workspace.pk, uuid.uuid4(), collection.pk, connector.pk),  # no such space
        (workspace.pk, space.pk, collection.pk, uuid.uuid4()),  # no such connector
    ]
    found = []
    for values in cases:
        names = ("workspace_id", "space_id", "collection_id", "connector_id")
        row = read.first(**dict(zip(names, values, strict=True)))
        assert row == _orm_row(*values)
        found.append(row is not None)
    assert found == [True, True, False, False, False]
    row = read.first(
        workspace_id=workspace.pk,
        space_id=space.pk,
        collection_id=collection.pk,
        connector_id=connector.pk,
    )
    assert row["id"] == connector.pk
    assert row["collections"] == [str(collection.pk)]
    assert row["created_at"].endswith("+00:00")  # the columns' decoders ran


def test_builds_and_compiles_once_per_thread(workspace, space, collection, make_connector):
    connector = make_connector(collections=[collection])
    builds: list = []
    read = _connector_read(builds)
    values = {
        "workspace_id": workspace.pk,
        "space_id": space.pk,
        "collection_id": collection.pk,
        "connector_id": connector.pk,
    }
    for _ in range(3):
        assert read.first(**values)["name"] == connector.name
    assert len(builds) == 2  # two rounds of stand-ins, then never again


def test_a_document_read_binds_an_integer_id(workspace, space, collection, make_connector):
    connector = make_connector(collections=[collection])
    document = Document.objects.create(connector=connector, external_id="d1", content_hash="h")
    path = {"workspace_id": workspace.pk, "space_id": space.pk, "collection_id": collection.pk}
    row = sync_selectors.DOCUMENT_THROUGH_PATH.first(**path, document_id=document.pk)
    assert row["id"] == document.pk
    assert row["external_id"] == "d1"
    assert sync_selectors.DOCUMENT_THROUGH_PATH.first(**path, document_id=document.pk + 1) is None


def test_a_read_whose_sql_depends_on_its_values_is_refused(db):
    read = CompiledRead(
        sync_selectors.DOCUMENT_COLUMNS,
        lambda document_id: Document.objects.filter(pk=document_id)[: document_id % 7 + 1],
    )
    with pytest.raises(ValueError, match="depends on its values"):
        read.rows(document_id=1)


def test_a_read_that_ignores_a_value_is_refused(db):
    read = CompiledRead(
        sync_selectors.DOCUMENT_COLUMNS,
        lambda document_id, connector_id: Document.objects.filter(pk=document_id),
    )
    with pytest.raises(ValueError, match="does not use"):
        read.rows(document_id=1, connector_id=uuid.uuid4())


def test_a_naive_date_time_or_another_type_is_refused(db):
    read = CompiledRead(
        sync_selectors.DOCUMENT_COLUMNS,
        lambda seen: Document.objects.filter(last_seen_at__gte=seen),
    )
    with pytest.raises(TypeError, match="aware date-times"):
        read.rows(seen=datetime.datetime(2026, 1, 1))
    with pytest.raises(TypeError, match="not float"):
        read.rows(seen=1.5)


def test_date_times_and_lists_are_bound_as_the_orm_binds_them(workspace, make_connector):
    connectors = [make_connector(name=f"c{n}") for n in range(4)]
    Document.objects.bulk_create(
        Document(connector=connector, external_id=f"d{n}", content_hash="h")
        for connector in connectors
        for n in range(3)
    )
    read = CompiledRead(
        sync_selectors.DOCUMENT_COLUMNS,
        lambda ids, seen, limit: Document.objects.filter(
            connector_id__in=ids, first_seen_at__gte=seen
        ).order_by("id")[:limit],
    )
    before = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    after = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)
    for ids, seen, limit in [
        ([c.pk for c in connectors[:2]], before, 10),
        ([c.pk for c in connectors[1:]], before, 10),  # same shape, other values
        ([c.pk for c in connectors[1:]], before, 4),  # another limit: its own compile
        ([connectors[3].pk], before, 10),  # another length: its own compile
        ([c.pk for c in connectors[:2]], after, 10),
    ]:
        expected = sync_selectors.DOCUMENT_COLUMNS.rows(
            Document.objects.filter(connector_id__in=ids, first_seen_at__gte=seen).order_by("id")[
                :limit
            ]
        )
        assert read.rows({"limit": limit}, ids=ids, seen=seen) == expected
        assert len(expected) == (0 if seen is after else min(limit, 3 * len(ids)))


def test_an_item_of_a_list_is_not_taken_for_another_value(workspace, make_connector):
    first, second, third = (make_connector(name=f"c{n}") for n in range(3))
    read = CompiledRead(
        selectors.connector_columns(),
        lambda ids, other: Connector.objects.filter(pk__in=ids).exclude(pk=other).order_by("name"),
    )
    rows = read.rows(ids=[first.pk, second.pk, third.pk], other=second.pk)
    assert [row["name"] for row in rows] == ["c0", "c2"]
    rows = read.rows(ids=[first.pk, second.pk, third.pk], other=first.pk)
    assert [row["name"] for row in rows] == ["c1", "c2"]


def test_a_text_value_is_bound_as_itself(workspace, make_connector):
    connector = make_connector(name="a/b 100%")
    make_connector(name="a/b 100")
    read = CompiledRead(
        selectors.connector_columns(),
        lambda workspace_id, name: Connector.objects.filter(workspace_id=workspace_id, name=name),
    )
    assert [row["id"] for row in read.rows(workspace_id=workspace.pk, name="a/b 100%")] == [
        connector.pk
    ]
    assert read.rows(workspace_id=workspace.pk, name="a/b") == []


def test_on_postgresql_the_sql_is_prepared_once_per_connection(
    workspace, space, collection, make_connector
):
    """The same SQL every call: PostgreSQL parses and plans it once (a prepared statement).
    While queries are logged, it runs unprepared, so that the log holds its text."""
    connector = make_connector(collections=[collection])
    read = _connector_read()
    values = {
        "workspace_id": workspace.pk,
        "space_id": space.pk,
        "collection_id": collection.pk,
        "connector_id": connector.pk,
    }
    rows = [read.first(**values) for _ in range(3)]
    assert rows[0] == rows[2] == _orm_row(**values)
    with CaptureQueriesContext(connection) as queries:
        assert read.first(**values) == rows[0]
    # The connector, then its collections' ids (read for all the rows at once).
    assert [query["sql"].split(" FROM ")[1].split()[0] for query in queries] == [
        '"connectors_connector"',
        '"connectors_connectorcollection"',
    ]
    if connection.vendor == "postgresql":
        (links_read,) = read.linked_reads.values()
        (template,) = read._local.templates.values()
        (links_template,) = links_read._local.templates.values()
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [statement for (statement,) in cursor.fetchall()]
        for sql in (template.sql, links_template.sql):
            assert prepared.count(_numbered_placeholders(sql)) == 1


def _numbered_placeholders(sql: str) -> str:
    """The SQL as PostgreSQL keeps a prepared statement: ``$1``, ``$2``... for each ``%s``."""
    numbers = itertools.count(1)
    return re.sub("%s", lambda _: f"${next(numbers)}", sql)


def test_each_row_shows_its_own_collections_in_the_order_it_joined_them(
    workspace, owner, space, collection, make_connector
):
    second = tenancy_services.collection_create(actor=owner, space=space, name="second")
    third = tenancy_services.collection_create(actor=owner, space=space, name="third")
    both = make_connector(name="both", collections=[third])
    services.connector_associate(actor=owner, connector=both, collection=second)
    one = make_connector(name="one", collections=[second])
    none = make_connector(name="none")
    columns = selectors.connector_columns(collections=True)
    read = CompiledRead(
        columns,
        lambda workspace_id: Connector.objects.filter(workspace_id=workspace_id).order_by("name"),
    )
    expected = {
        "both": [str(third.pk), str(second.pk)],
        "none": [],
        "one": [str(second.pk)],
    }
    orm_rows = columns.rows(Connector.objects.filter(workspace=workspace).order_by("name"))
    for rows in (read.rows(workspace_id=workspace.pk), orm_rows):
        assert {row["name"]: row["collections"] for row in rows} == expected
    assert [row["id"] for row in orm_rows] == [both.pk, none.pk, one.pk]
