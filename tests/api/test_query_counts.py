"""Every list endpoint runs the same few queries whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connectors import services
from syncs.models import Document, Sync, SyncStatus, SyncTrigger

pytestmark = pytest.mark.database

ROWS = 25
PAGE_SIZES = (1, 5, 25)
MAX_QUERIES = 8


@pytest.fixture
def filled(api, workspace, owner, space, collection, make_connector, kind_definitions):
    connectors = []
    for n in range(ROWS):
        connector = make_connector(name=f"db {n:02}", collections=[collection])
        connectors.append(connector)
        services.collection_create(actor=owner, space=space, name=f"c{n}")
        services.space_create(actor=owner, workspace=workspace, name=f"s{n}")
    first = connectors[0]
    Sync.objects.bulk_create(
        Sync(connector=first, trigger=SyncTrigger.API, status=SyncStatus.SUCCEEDED)
        for _ in range(ROWS)
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


def test_lists_run_a_fixed_number_of_queries(
    api, workspace, collection_path, filled, django_assert_max_num_queries
):
    api.get("/connectors")  # the key's last use is recorded once a minute: not per list
    counts = {}
    for size in PAGE_SIZES:
        for name, path in _paths(workspace, collection_path, filled, size).items():
            with (
                django_assert_max_num_queries(MAX_QUERIES),
                CaptureQueriesContext(connection) as queries,
            ):
                response = api.get(path)
            assert response.status_code == 200, (name, response.json())
            assert len(_rows(response.json())) == (ROWS if name == "001 list" else size), name
            counts.setdefault(name, set()).add(len(queries))
    assert {name: len(seen) for name, seen in counts.items()} == {name: 1 for name in counts}
