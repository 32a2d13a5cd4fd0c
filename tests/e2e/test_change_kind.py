"""001's PUT with another ``storage_type`` (the document's way to give an ``HttpData`` connector
real storage): the connector keeps its id, name, collections and schedule, drops the old kind's
secrets, is checked again by the worker, and its next full pass replaces the old documents."""

import json

import pytest

from connectors import credentials, schedules, services
from connectors.lifecycle import State
from connectors.models import Connector, ScheduleType
from tenancy import services as tenancy_services
from tenancy.models import ApiKeyRole
from tests.api.conftest import _client
from tests.e2e.test_web import TOKEN, http_data_config, private, records
from tests.servers.moto_s3 import REGION

pytestmark = [pytest.mark.worker, pytest.mark.database]


@pytest.fixture
def storage_api(workspace):
    _, raw = tenancy_services.api_key_create(
        actor=None, workspace=workspace, name="storage client", role=ApiKeyRole.ADMIN
    )
    return _client(raw)


def test_put_moves_an_http_data_connector_to_amazon_s3(
    hub, site, moto, storage_api, owner, collection
):
    private(site, "/api/private", records(1, 2, 3), None)
    response = storage_api.post(
        "/connectors/reports",
        {"storage_type": "HttpData", "storage_config": http_data_config(site)},
        format="json",
    )
    assert response.status_code == 201, response.content
    connector = Connector.objects.get(pk=response.json()["id"])
    services.connector_associate(actor=owner, connector=connector, collection=collection)
    services.connector_update(
        actor=owner, connector=connector, schedule=schedules.cron("0 3 * * *", "Europe/Paris")
    )
    connector = hub.checked(connector)
    assert connector.state == State.RUNNING, connector.state_reason
    hub.sync(connector)
    assert set(hub.documents(connector)) == {"1", "2", "3"}

    bucket, client = "moved-reports", moto.client()
    client.create_bucket(Bucket=bucket)
    client.put_object(Bucket=bucket, Key="report.txt", Body=b"Quarterly figures.")
    s3_config = {
        "bucket_name": bucket,
        "region": REGION,
        "url": moto.url,
        "username_read": moto.reader.access_key_id,
        "password_read": moto.reader.secret_access_key,
        "username_write": moto.writer.access_key_id,
        "password_write": moto.writer.secret_access_key,
    }
    edited = storage_api.put(
        "/connectors/reports",
        {"storage_type": "AmazonS3", "storage_config": s3_config},
        format="json",
    )

    assert edited.status_code == 200, edited.content
    shown = edited.json()
    assert (shown["id"], shown["name"], shown["storage_type"]) == (
        str(connector.pk),
        "reports",
        "AmazonS3",
    )
    assert shown["state"] == "STARTING"
    assert shown["storage_config"]["password_read"] == "**********"
    connector = hub.checked(Connector.objects.get(pk=connector.pk))
    assert connector.state == State.RUNNING, connector.state_reason
    assert connector.definition.connector_id == "AmazonS3"
    assert list(connector.collections.all()) == [collection]
    assert (connector.schedule_type, connector.schedule_cron) == (ScheduleType.CRON, "0 3 * * *")
    assert connector.periodic_task.enabled
    stored = credentials.full_config(connector)
    assert TOKEN not in json.dumps(stored) and "auth_header" not in stored
    assert stored["password_read"] == moto.reader.secret_access_key

    moved = hub.sync(connector, full=True)

    assert set(hub.documents(connector)) == {"report.txt"}
    assert hub.deleted(connector) == {"1", "2", "3"}
    assert moved.documents_deleted == 3


def test_a_mask_of_the_old_kind_is_not_carried_into_the_new_one(catalog, site, storage_api):
    """The masked secrets a client read back belong to the old kind: they are dropped, so the new
    kind's secret is missing and named."""
    private(site, "/api/private", records(1), None)
    storage_api.post(
        "/connectors/reports",
        {
            "storage_type": "HttpData",
            "storage_config": http_data_config(site),
        },
        format="json",
    )
    response = storage_api.put(
        "/connectors/reports",
        {
            "storage_type": "AzureStorage",
            "storage_config": {
                "container_name": "docs",
                "region": "westeurope",
                "url": "https://example.blob.core.windows.net",
                "account_name_read": "reader",
                "account_key_read": "**********",
            },
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["storage_config.account_key_read"]
    assert Connector.objects.get(name="reports").definition.connector_id == "HttpData"
