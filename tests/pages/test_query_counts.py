"""List pages cost the same number of queries for 2 rows as for 20."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from connectors import services
from syncs.models import Document, Sync

pytestmark = pytest.mark.database


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(workspace, owner, space, make_connector, start, count):
    for index in range(start, start + count):
        connector = make_connector(name=f"c{index}")
        collection = services.collection_create(actor=owner, space=space, name=f"k{index}")
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
        reverse("connectors:dashboard", args=[slug]),
        reverse("connectors:registry"),
    ]
    grow(workspace, owner, space, make_connector, 0, 2)
    client.get(urls[0])  # the first visit also records the workspace in the session
    small = [queries(client, url) for url in urls]
    grow(workspace, owner, space, make_connector, 2, 18)
    large = [queries(client, url) for url in urls]
    assert small == large
