"""Keyset pages of the collection API: stable under inserts, tamper-proof cursors."""

import pytest

from connectors import services

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
