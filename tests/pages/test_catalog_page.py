"""The catalog: cards of the Live connector types, filterable, each leading to its form."""

import pytest
from django.urls import reverse

from registry.models import DefinitionStatus

pytestmark = pytest.mark.database


def test_cards_of_live_types_only(login, viewer, workspace, catalog, make_definition):
    make_definition(connector_id="drafted", name="Drafted", status=DefinitionStatus.DRAFT)
    response = login(viewer).get(reverse("registry:catalog", args=[workspace.slug]))
    names = [d.name for d in response.context["definitions"]]
    assert "PostgreSQL" in names and "Sample Data" in names and "Drafted" not in names
    assert len(names) == len(catalog)
    html = response.content.decode()
    assert reverse("registry:definition_icon", args=[catalog["RSS"].pk]) in html
    assert "Generates deterministic sample documents" in html
    assert "Create a PostgreSQL connector" not in html  # a viewer cannot create


def test_filtering_by_category_and_search(login, editor, workspace, catalog):
    client = login(editor)
    url = reverse("registry:catalog", args=[workspace.slug])
    database = client.get(url, {"category": "Database"}).context["definitions"]
    assert sorted(d.connector_id for d in database) == ["mysql-connector", "postgres-connector"]
    found = client.get(url, {"q": "feed"}).context["definitions"]
    assert [d.connector_id for d in found] == ["RSS"]
    html = client.get(url, {"q": "feed"}).content.decode()
    assert reverse("connectors:connector_create", args=[workspace.slug, "RSS-1.0.0"]) in html
