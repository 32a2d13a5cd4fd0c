"""Every list endpoint runs a fixed number of queries, whatever the page size."""

import pytest

from syncs.models import AttemptOutcome, Document, Sync, SyncAttempt, SyncStatus, SyncTrigger
from tenancy import services

pytestmark = pytest.mark.database

ROWS = 25
PAGE_SIZES = (1, 5, 25)


@pytest.fixture
def filled(api, workspace, owner, space, collection, make_connector, kind_definitions):
    connectors = []
    for n in range(ROWS):
        connector = make_connector(name=f"db {n:02}", collections=[collection])
        connectors.append(connector)
        services.collection_create(actor=owner, space=space, name=f"c{n}")
        services.space_create(actor=owner, workspace=workspace, name=f"s{n}")
    first = connectors[0]
    syncs = Sync.objects.bulk_create(
        Sync(connector=first, trigger=SyncTrigger.API, status=SyncStatus.SUCCEEDED)
        for _ in range(ROWS)
    )
    SyncAttempt.objects.bulk_create(
        SyncAttempt(sync=sync, number=number, outcome=AttemptOutcome.SUCCEEDED, documents=7)
        for sync in syncs
        for number in (1, 2)
    )
    Document.objects.bulk_create(
        Document(connector=first, external_id=f"d{n}", content_hash="h") for n in range(ROWS)
    )
    return first


def _paths(workspace, collection_path, connector, size):
    connector_path = f"{collection_path}/connectors/{connector.pk}"
    return {
        "000 list": f"/layar/liveSource?rows={size}",
        "000 documents": f"/layar/liveSource/{connector.pk}/sourceDocuments?rows={size}",
        "001 list": "/connectors",
        "003 spaces": f"/v1/spaces?limit={size}",
        "003 collections": f"{collection_path.rsplit('/collections', 1)[0]}/collections?limit={size}",
        "003 connectors": f"{collection_path}/connectors?limit={size}",
        "003 all connectors": f"{collection_path}/connectors?scope=workspace&limit={size}",
        "003 syncs": f"{connector_path}/sync?limit={size}",
        "003 documents": f"{collection_path}/documents?limit={size}",
        "004 list": f"/v1/connector/list_connectors/{workspace.slug}?limit={size}",
    }


def _rows(body) -> list:
    if isinstance(body, list):
        return body
    return next(body[key] for key in ("data", "liveSources", "documents") if key in body)


#: Queries of each list, whatever the page size: the API key, the workspace with the key's role (or,
#: for a session, the collection with its space), then the page and what it shows. A request by
#: key reads a collection's pages through the collection's path, which needs no lookup of its own
#: when the page has rows; connectors are plain rows that carry their masked config and their
#: definition's fields, and the 003 and 004 lists read the page's collection ids in one more query.
QUERIES = {
    "000 list": 3,
    "000 documents": 3,  # the connector with its documents counter, then the page
    "001 list": 2,
    "003 spaces": 2,
    "003 collections": 3,
    "003 connectors": 3,
    "003 all connectors": 3,
    "003 syncs": 2,  # each sync's attempts read in the same query
    "003 documents": 3,  # the collection's connectors, then the page
    "004 list": 3,
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_list_runs_a_fixed_number_of_queries(
    name, api, workspace, collection_path, filled, django_assert_num_queries
):
    api.get("/connectors")  # the key's last use is recorded once a minute: not per list
    # Once untimed: a fresh SQLite connection asks whether it has JSON functions on first use.
    api.get(_paths(workspace, collection_path, filled, PAGE_SIZES[0])[name])
    for size in PAGE_SIZES:
        path = _paths(workspace, collection_path, filled, size)[name]
        with django_assert_num_queries(QUERIES[name]):
            response = api.get(path)
        assert response.status_code == 200, (name, response.json())
        rows = _rows(response.json())
        assert len(rows) == (ROWS if name == "001 list" else size), name
        if name == "003 syncs":
            assert [[a["number"] for a in row["attempts"]] for row in rows] == [[1, 2]] * size
