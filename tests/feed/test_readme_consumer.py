"""The README's ten-line consumer, run as written against a live server: its copy ends equal to
the collection's documents, through upserts, deletes and a dissociation."""

import re
from pathlib import Path

import pytest

from connectors import services
from tests.api.conftest import _key
from tests.feed.conftest import live_view

pytestmark = [pytest.mark.database, pytest.mark.django_db(transaction=True)]

README = Path(__file__).resolve().parents[2] / "README.md"


class _CaughtUp(Exception):
    pass


def consumer_code() -> str:
    section = README.read_text().split("## Consuming documents", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_consumer_keeps_an_exact_copy(
    live_server, make_connector, collection, space, owner, workspace, write
):
    code = consumer_code()
    assert len([line for line in code.splitlines() if line.strip()]) <= 16
    namespace: dict = {}
    exec(compile(code, str(README), "exec"), namespace)
    warehouse, archive = make_connector(name="warehouse"), make_connector(name="archive")
    for connector in (warehouse, archive):
        services.connector_associate(actor=owner, connector=connector, collection=collection)
    write(warehouse, upsert=[f"w{i}" for i in range(1500)])
    write(archive, upsert=["a1", "a2"])
    copy, sizes = {}, []

    def changes_meanwhile():
        sizes.append(len(copy))
        write(warehouse, upsert=["w1"], version=2)
        write(warehouse, delete=["w2"])
        services.connector_dissociate(actor=owner, connector=archive, collection=collection)

    waits = [changes_meanwhile]

    def idle(seconds):  # the consumer waits only when caught up: change things, then stop it
        if not seconds:
            return
        if not waits:
            raise _CaughtUp()
        waits.pop(0)()

    namespace["time"] = type("Clock", (), {"sleep": staticmethod(idle)})
    url = f"{live_server.url}/v1/spaces/{space.pk}/collections/{collection.pk}/documents/changes"
    with pytest.raises(_CaughtUp):
        namespace["follow"](url, _key(workspace), copy)

    assert sizes == [1502]  # two pages of 1000 before the first wait
    expected = live_view(collection)
    assert set(copy) == set(expected)
    assert {pk: copy[pk]["title"] for pk in copy} == {pk: row[2] for pk, row in expected.items()}
    assert copy[next(pk for pk, d in copy.items() if d["external_id"] == "w1")]["title"] == "w1 v2"
