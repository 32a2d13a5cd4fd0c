"""Whatever arrives, every endpoint of the families answers 2xx or 4xx, never 500."""

import json

import pytest

pytestmark = pytest.mark.database

FIELDS = [
    "id",
    "name",
    "description",
    "type",
    "config",
    "credentials",
    "slots",
    "storage_type",
    "storage_config",
    "liveSourceType",
    "url",
    "runMode",
    "rows",
    "start",
    "full",
    "connector_id",
    "collection_id",
]
ODD_VALUES = [None, True, 10**30, "x" * 300, ["a"], {"a": {"b": []}}]
BODIES = [
    "null",
    '"text"',
    "[]",
    "{",
    *(json.dumps(dict.fromkeys(FIELDS, value)) for value in ODD_VALUES),
]
BAD_QUERY = "limit=abc&cursor=%00&rows=-5&start=x&state=zzz&created_after=yesterday"


@pytest.fixture
def paths(api, workspace, collection_path, make_connector, collection):
    connector = make_connector(name="target", collections=[collection])
    connector_path = f"{collection_path}/connectors/{connector.pk}"
    ids = [str(connector.pk), "not-an-id"]
    result = [
        "/layar/liveSource",
        "/connectors",
        "/v1/spaces",
        f"{collection_path.rsplit('/collections', 1)[0]}/collections",
        f"{collection_path}/connectors",
        f"{collection_path}/documents",
        f"{connector_path}/sync",
        f"{connector_path}/sync/cancel",
        f"/v1/connector/create_connector/{workspace.slug}",
        f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=cron&scheduler_value=%%%",
        f"/v1/connector/create_connector_collection_association/{workspace.slug}",
        f"/v1/connector/list_connectors/{workspace.slug}",
    ]
    for some_id in ids:
        result += [
            f"/layar/liveSource/{some_id}",
            f"/layar/liveSource/{some_id}/jobStatus",
            f"/layar/liveSource/{some_id}/sourceDocuments",
            f"/connectors/{some_id}",
            f"/connectors/{some_id}/start",
            f"/v1/spaces/{some_id}",
            f"{collection_path}/connectors/{some_id}",
            f"{collection_path}/documents/{some_id}",
            f"{connector_path}/sync/{some_id}",
            f"/v1/connector/get_connector/{workspace.slug}/{some_id}",
            f"/v1/connector/list_connectors/{some_id}",
        ]
    return result


def test_no_input_makes_a_server_error(api, paths):
    for path in paths:
        bad_query = path + ("&" if "?" in path else "?") + BAD_QUERY
        assert api.get(bad_query).status_code < 500, bad_query
        for method in ("GET", "POST", "PUT", "PATCH"):
            for body in BODIES:
                response = api.generic(method, path, body, content_type="application/json")
                assert response.status_code < 500, (method, path, body, response.content)
    for path in paths:
        assert api.generic("DELETE", path).status_code < 500, path
