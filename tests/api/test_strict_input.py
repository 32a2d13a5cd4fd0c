"""Where a document defines a type, a value of another type is a 400 naming the field, never
coerced: 000's create, 003's sync trigger, 004's list."""

import pytest

from connectors.lifecycle import State
from connectors.models import Connector
from syncs.models import Sync

pytestmark = pytest.mark.database


def test_a_live_source_name_must_be_a_string(api):
    body = {"liveSourceType": "WEBSITE", "name": 123, "url": "https://site.example/"}
    response = api.post("/layar/liveSource", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["Must be a string."]}
    assert not Connector.objects.exists()


@pytest.mark.parametrize("full", ["yes", 1, "on", None, [True]])
def test_a_sync_trigger_takes_true_or_false_only(api, make_connector, collection, full):
    connector = make_connector(name="Running", collections=[collection])
    Connector.objects.filter(pk=connector.pk).update(state=State.RUNNING)
    path = (
        f"/v1/spaces/{collection.space_id}/collections/{collection.pk}"
        f"/connectors/{connector.pk}/sync"
    )
    response = api.post(path, {"full": full}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["full"]
    assert not Sync.objects.exists()
    assert api.post(path, {"full": True}, format="json").status_code == 202


def test_workspace_list_refuses_parameters_it_does_not_take(api, workspace):
    response = api.get(f"/v1/connector/list_connectors/{workspace.pk}?start=-1&rows=abc")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"start", "rows"}
    assert "limit" in response.json()["errors"]["start"][0]
    bad_limit = api.get(f"/v1/connector/list_connectors/{workspace.pk}?limit=abc")
    assert bad_limit.status_code == 400
    assert list(bad_limit.json()["errors"]) == ["limit"]
    assert api.get(f"/v1/connector/list_connectors/{workspace.pk}?limit=5").status_code == 200
