"""Keyset pages of the collection API: stable under inserts, tamper-proof cursors."""

import uuid

import pytest

from syncs.models import AttemptOutcome, Document, Sync, SyncAttempt, SyncStatus, SyncTrigger
from tenancy import services

pytestmark = pytest.mark.database


def _walk(api, path, limit):
    seen, cursor = [], None
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(path + query).json()
        seen += [row["name"] for row in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


def test_pages_cover_every_row_once(api, workspace, owner):
    names = [f"space {n:02}" for n in range(7)]
    for name in names:
        services.space_create(actor=owner, workspace=workspace, name=name)
    for limit in (1, 3, 7, 100):
        assert _walk(api, "/v1/spaces", limit) == names


def test_rows_inserted_between_pages_neither_shift_nor_repeat(api, workspace, owner):
    for n in range(4):
        services.space_create(actor=owner, workspace=workspace, name=f"old {n}")
    first = api.get("/v1/spaces?limit=2").json()
    services.space_create(actor=owner, workspace=workspace, name="new 0")
    services.space_create(actor=owner, workspace=workspace, name="new 1")
    rest = api.get(f"/v1/spaces?limit=10&cursor={first['next_cursor']}").json()
    assert [s["name"] for s in first["data"]] == ["old 0", "old 1"]
    assert [s["name"] for s in rest["data"]] == ["old 2", "old 3", "new 0", "new 1"]
    assert rest["next_cursor"] is None


def test_a_tampered_or_foreign_cursor_is_400(api, workspace, owner, collection_path):
    for n in range(3):
        services.space_create(actor=owner, workspace=workspace, name=f"s{n}")
    cursor = api.get("/v1/spaces?limit=1").json()["next_cursor"]
    value, _, signature = cursor.partition(":")
    forged = value[:-2] + ("AA" if not value.endswith("AA") else "BB") + ":" + signature
    for bad in (forged, cursor + "x", "not-a-cursor"):
        response = api.get(f"/v1/spaces?cursor={bad}")
        assert response.status_code == 400
        assert response.json()["errors"] == {"cursor": ["Invalid cursor."]}
    # A cursor of one list means nothing to another.
    assert api.get(f"{collection_path}/connectors?cursor={cursor}").status_code == 400


#: Narrows nothing, but names a filter: the page is then read by the ORM, not compiled.
EVERYTHING = "created_after=2000-01-01T00:00:00Z"


def _pages(client, path: str, query: str, key: str = "data") -> list:
    pages, cursor = [], None
    while True:
        separator = "&" if "?" in path else "?"
        response = client.get(f"{path}{separator}{query}" + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200, response.json()
        body = response.json()
        pages.append(body[key])
        cursor = body.get("next_cursor")
        if cursor is None:
            return pages


@pytest.fixture
def linked(workspace, space, collection, owner, make_connector):
    """Seven connectors, five of them in the collection, with three documents each."""
    connectors = [
        make_connector(name=f"c{n}", collections=[collection] if n < 5 else []) for n in range(7)
    ]
    Document.objects.bulk_create(
        Document(connector=connector, external_id=f"d{n}", content_hash="h", title=f"t{n}")
        for connector in connectors
        for n in range(3)
    )
    syncs = Sync.objects.bulk_create(
        Sync(connector=connectors[0], trigger=SyncTrigger.API, status=SyncStatus.SUCCEEDED)
        for _ in range(5)
    )
    SyncAttempt.objects.bulk_create(
        SyncAttempt(sync=sync, number=1, outcome=AttemptOutcome.SUCCEEDED, documents=2)
        for sync in syncs[:3]
    )
    return connectors


def test_a_compiled_page_is_the_filtered_read_of_the_same_rows(
    api, login, owner, workspace, space, collection, collection_path, linked
):
    """Pages no filter narrows are read by compiled queries; the same pages read by the ORM
    (a filter that keeps every row) are identical, cursor by cursor, by key and by session."""
    session = login(owner)
    cases = [
        (api, f"/v1/connector/list_connectors/{workspace.slug}", "limit=2", "data", 7),
        (api, f"{collection_path}/connectors", "limit=2", "data", 5),
        (session, f"{collection_path}/connectors", "limit=2", "data", 5),
        (api, f"{collection_path}/connectors", "limit=3&scope=workspace", "data", 7),
        (api, f"{collection_path}/documents", "limit=4", "data", 15),
        (session, f"{collection_path}/documents", "limit=4", "data", 15),
        (api, f"{collection_path}/connectors/{linked[0].pk}/sync", "limit=2", "data", 5),
        (session, f"{collection_path}/connectors/{linked[0].pk}/sync", "limit=2", "data", 5),
        (api, "/connectors", "", None, 7),
        (api, "/layar/liveSource", "rows=3", "liveSources", 3),
    ]
    for client, path, query, key, count in cases:
        if key is None:  # 001: every connector, one list
            compiled = [client.get(path).json()]
            filtered = [client.get(f"{path}?{EVERYTHING}").json()]
        else:
            compiled = _pages(client, path, query, key)
            filtered = _pages(client, path, f"{query}&{EVERYTHING}", key)
        assert compiled == filtered, path
        assert sum(len(page) for page in compiled) == count, path


def test_one_connectors_documents_page_compiled_as_the_orm_reads_them(
    api, space, collection, collection_path, make_connector
):
    alone = make_connector(name="alone", collections=[collection])
    Document.objects.bulk_create(
        Document(connector=alone, external_id=f"d{n}", content_hash="h") for n in range(5)
    )
    path = f"{collection_path}/documents"
    compiled = _pages(api, path, "limit=2")
    assert compiled == _pages(api, path, f"limit=2&{EVERYTHING}")
    assert [len(page) for page in compiled] == [2, 2, 1]


def test_a_compiled_page_of_a_missing_collection_is_404(api, space, linked):
    missing = f"/v1/spaces/{space.pk}/collections/{uuid.uuid4()}"
    for path in (
        f"{missing}/connectors?limit=2",
        f"{missing}/documents?limit=2",
        f"{missing}/connectors/{linked[0].pk}/sync?limit=2",
    ):
        assert api.get(path).status_code == 404
