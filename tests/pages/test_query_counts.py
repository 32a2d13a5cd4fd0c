"""List pages cost the same number of queries for 2 rows as for 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from connectors import services
from connectors.models import Connector
from syncs.models import Document, Sync
from tenancy import services as tenancy_services

pytestmark = pytest.mark.database


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(workspace, owner, space, make_connector, start, count):
    for index in range(start, start + count):
        connector = make_connector(name=f"c{index}")
        collection = tenancy_services.collection_create(actor=owner, space=space, name=f"k{index}")
        services.connector_associate(actor=owner, connector=connector, collection=collection)
        Sync.objects.create(connector=connector, trigger="manual", status="failed")
        Document.objects.create(connector=connector, external_id="d", content_hash="h" * 64)


def test_list_pages_do_not_query_per_row(login, owner, workspace, space, make_connector):
    client = login(owner)
    slug = workspace.slug
    urls = [
        reverse("connectors:connector_list", args=[slug]),
        reverse("connectors:space_list", args=[slug]),
        reverse("connectors:space_detail", args=[slug, space.pk]),
        reverse("syncs:dashboard", args=[slug]),
        reverse("registry:registry"),
    ]
    grow(workspace, owner, space, make_connector, 0, 2)
    client.get(urls[0])  # the first visit also records the workspace in the session
    small = [queries(client, url) for url in urls]
    grow(workspace, owner, space, make_connector, 2, 18)
    large = [queries(client, url) for url in urls]
    assert small == large


def _page_urls(workspace, space, collection, connector) -> dict:
    slug = workspace.slug
    return {
        "dashboard": reverse("syncs:dashboard", args=[slug]),
        "connectors": reverse("connectors:connector_list", args=[slug]),
        "connector": reverse("connectors:connector_detail", args=[slug, connector.pk]),
        "spaces": reverse("connectors:space_list", args=[slug]),
        "space": reverse("connectors:space_detail", args=[slug, space.pk]),
        "collection": reverse("connectors:collection_detail", args=[slug, collection.pk]),
        "collection documents": reverse("syncs:collection_documents", args=[slug, collection.pk]),
        "connector documents": reverse("syncs:connector_documents", args=[slug, connector.pk]),
        "catalog": reverse("registry:catalog", args=[slug]),
        "keys": reverse("tenancy:key_list", args=[slug]),
        "members": reverse("tenancy:member_list", args=[slug]),
        "webhooks": reverse("webhooks:list", args=[slug]),
        "audit": reverse("audit:entry_list", args=[slug]),
        "registry": reverse("registry:registry"),
        "syncs": reverse("syncs:history", args=[slug]),
    }


#: Queries of each page (the session, the user and the workspace included), whatever the number
#: of rows it shows.
PAGE_QUERIES = {
    "dashboard": 12,
    "connectors": 9,
    "connector": 13,
    "spaces": 9,
    "space": 9,
    "collection": 9,
    "collection documents": 12,  # with the total from the counters
    "connector documents": 10,
    "catalog": 9,
    "keys": 8,
    "members": 8,
    "webhooks": 8,
    "audit": 8,
    "registry": 8,
    "syncs": 9,
}


@pytest.mark.parametrize("name", sorted(PAGE_QUERIES))
def test_each_page_runs_a_fixed_number_of_queries(
    name, login, owner, workspace, space, make_connector
):
    client = login(owner)
    first = make_connector(name="first")
    collection = tenancy_services.collection_create(actor=owner, space=space, name="main")
    services.connector_associate(actor=owner, connector=first, collection=collection)
    tenancy_services.collection_create(actor=owner, space=space, name="other")  # one to add it to
    url = _page_urls(workspace, space, collection, first)[name]
    client.get(url)  # the first visit also records the workspace in the session
    counts = [queries(client, url)]
    grow(workspace, owner, space, make_connector, 0, 12)
    for index in range(12):
        connector = Connector.objects.get(name=f"c{index}")
        services.connector_associate(actor=owner, connector=connector, collection=collection)
        Document.objects.create(connector=first, external_id=f"more-{index}", content_hash="h")
    counts.append(queries(client, url))
    assert counts == [PAGE_QUERIES[name]] * 2, counts
