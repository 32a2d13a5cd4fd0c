"""The OpenAPI schema validates without warnings, documents every family's operations, and the
reference pages run from local assets without inline script."""

import re

import pytest
import yaml
from django.core.management import call_command

FAMILY_TAGS = {
    "Live sources (Layar)": "/layar/",
    "Named storage connectors": "/connectors",
    "Collection connectors and syncs": "/v1/spaces",
    "Workspace connectors with schedulers": "/v1/connector/",
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory):
    target = tmp_path_factory.mktemp("schema") / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    return yaml.safe_load(target.read_text())


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def test_every_family_operation_is_tagged_and_documents_its_errors(schema):
    seen = {tag: 0 for tag in FAMILY_TAGS}
    for path, method, operation in _operations(schema):
        tags = [t for t in operation.get("tags", []) if t in FAMILY_TAGS]
        if not tags:
            continue
        (tag,) = tags
        assert path.startswith(FAMILY_TAGS[tag]), (path, tag)
        seen[tag] += 1
        responses = operation["responses"]
        assert any(code.startswith("2") for code in responses), (path, method)
        for code in ("400", "401", "403"):
            error = responses[code]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}, (path, method, code)
        if method in ("post", "put", "patch") and not path.endswith(
            ("/start", "/stop", "/fail", "/cancel")
        ):
            assert "requestBody" in operation, (path, method)
        assert operation.get("summary"), (path, method)
    # At least these; other modules may add operations under the same tags.
    minimum = {
        "Live sources (Layar)": 6,
        "Named storage connectors": 11,
        "Collection connectors and syncs": 21,
        "Workspace connectors with schedulers": 4,
    }
    assert all(seen[tag] >= count for tag, count in minimum.items()), seen


def test_every_path_of_the_families_is_documented(schema):
    paths = set(schema["paths"])
    for expected in [
        "/layar/liveSource",
        "/layar/liveSource/{connectorId}",
        "/layar/liveSource/{connectorId}/jobStatus",
        "/layar/liveSource/{connectorId}/sourceDocuments",
        "/connectors",
        "/connectors/{name}",
        "/connectors/{name}/start",
        "/connectors/{name}/stop",
        "/connectors/{name}/fail",
        "/v1/spaces",
        "/v1/spaces/{space_id}",
        "/v1/spaces/{space_id}/collections",
        "/v1/spaces/{space_id}/collections/{collection_id}",
        "/v1/spaces/{space_id}/collections/{collection_id}/connectors",
        "/v1/spaces/{space_id}/collections/{collection_id}/connectors/{connector_id}",
        "/v1/spaces/{space_id}/collections/{collection_id}/connectors/{connector_id}/sync",
        "/v1/spaces/{space_id}/collections/{collection_id}/connectors/{connector_id}/sync/{sync_id}",
        "/v1/spaces/{space_id}/collections/{collection_id}/connectors/{connector_id}/sync/cancel",
        "/v1/spaces/{space_id}/collections/{collection_id}/documents",
        "/v1/spaces/{space_id}/collections/{collection_id}/documents/{document_id}",
        "/v1/connector/create_connector/{workspace_id}",
        "/v1/connector/create_connector_collection_association/{workspace_id}",
    ]:
        assert expected in paths, expected
    schemes = schema["components"]["securitySchemes"]
    assert schemes["apiKeyHeader"] == {"type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert schemes["bearerKey"]["scheme"] == "bearer"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EXTERNAL = re.compile(r"""(?:src|href)=["']?(?:https?:)?//""", re.IGNORECASE)
ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@pytest.mark.parametrize("page", ["/api/docs/"])
def test_reference_pages_use_local_assets_and_no_inline_script(client, page):
    response = client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not EXTERNAL.search(html)
    assets = [url.replace("&amp;", "&") for url in ASSET.findall(html)]
    assert assets
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200, url
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert body


def test_the_swagger_script_fetches_nothing_remote(client):
    script = client.get("/api/docs/?script=").content.decode()
    assert "SwaggerUIBundle" in script
    assert '"validatorUrl": null' in script
    assert "cdn." not in script


REFERENCE_GROUPS = [
    "Live sources (Layar)",
    "Named storage connectors",
    "Connector registry (Obsrv v2)",
    "Collection connectors and syncs",
    "Workspace connectors with schedulers",
]


def test_operations_are_grouped_under_the_reference_documents_names(schema):
    names = [tag["name"] for tag in schema["tags"]]
    assert names[:5] == REFERENCE_GROUPS
    assert all(tag.get("description") for tag in schema["tags"])
    used = {tag for _, _, operation in _operations(schema) for tag in operation.get("tags", [])}
    assert used <= set(names), used - set(names)
    assert not [name for name in used if re.search(r"\(\d{3}\)", name)]


def test_the_old_second_reference_address_leads_to_the_reference(client):
    response = client.get("/api/redoc/")
    assert (response.status_code, response["Location"]) == (301, "/api/docs/")


def test_no_schema_is_described_by_a_mixin_of_the_implementation(schema):
    """drf-spectacular describes a serializer by the first docstring among its classes: a
    serializer without one of its own must not show the docstring of a helper it mixes in."""
    from config.api.fast import FastRead

    assert FastRead.__doc__ is None
    for name, component in schema["components"]["schemas"].items():
        assert "serializer" not in component.get("description", "").lower(), name
