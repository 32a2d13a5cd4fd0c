"""``AmazonS3`` (moto, IAM checks on) and ``AzureStorage`` (Azurite) end to end, each behind a
proxy that can throttle: a worker checks both credential pairs, syncs the objects page by page
across task runs, takes the changes (a throttled listing retried after Retry-After), prunes a
deleted object on an ordinary sync (the listing no longer names it) and on a full sync; a wrong secret fails the check without echoing it."""

import base64
import itertools
from dataclasses import dataclass

import pytest
from azure.storage.blob import ContentSettings

from tests.e2e.conftest import assert_failed_check, counts
from tests.servers.azurite import ACCOUNT, KEY
from tests.servers.moto_s3 import REGION

pytestmark = [pytest.mark.worker, pytest.mark.database]

_names = itertools.count(1)


@dataclass
class Storage:
    kind: str
    config: dict
    secret_field: str
    refused: str  # what the failed check says
    throttle: object  # () -> None: the next request is answered as a throttled one
    put: object  # (key, text) -> None
    delete: object  # (key) -> None


@pytest.fixture
def s3(moto, s3_proxy) -> Storage:
    s3_proxy.reset()
    bucket, client = f"e2e-docs-{next(_names)}", moto.client()
    client.create_bucket(Bucket=bucket)
    return Storage(
        kind="AmazonS3",
        config={
            "bucket_name": bucket,
            "region": REGION,
            "url": s3_proxy.url,
            "username_read": moto.reader.access_key_id,
            "password_read": moto.reader.secret_access_key,
            "username_write": moto.writer.access_key_id,
            "password_write": moto.writer.secret_access_key,
        },
        secret_field="password_read",
        refused="The read secret access key does not match its access key id.",
        throttle=lambda: s3_proxy.fail_next_xml(
            503, "SlowDown", "Please reduce your request rate.", retry_after=1
        ),
        put=lambda key, text: client.put_object(
            Bucket=bucket, Key=key, Body=text.encode(), ContentType="text/plain"
        ),
        delete=lambda key: client.delete_object(Bucket=bucket, Key=key),
    )


@pytest.fixture
def azure(azurite, blob_proxy) -> Storage:
    blob_proxy.reset()
    container = azurite.service().get_container_client(f"e2e-docs-{next(_names)}")
    container.create_container()
    yield Storage(
        kind="AzureStorage",
        config={
            "container_name": container.container_name,
            "region": "westeurope",
            "url": f"{blob_proxy.url}/{ACCOUNT}",
            "account_name_read": ACCOUNT,
            "account_key_read": KEY,
            "account_name_write": ACCOUNT,
            "account_key_write": KEY,
        },
        secret_field="account_key_read",
        refused="The read account name or key was refused",
        throttle=lambda: blob_proxy.fail_next_xml(
            503, "ServerBusy", "The server is currently unable to receive requests.", retry_after=1
        ),
        put=lambda key, text: container.upload_blob(
            key,
            text.encode(),
            overwrite=True,
            content_settings=ContentSettings(content_type="text/plain"),
        ),
        delete=container.delete_blob,
    )
    container.close()


@pytest.fixture(params=["s3", "azure"])
def storage(request) -> Storage:
    return request.getfixturevalue(request.param)


def test_objects_sync_page_by_page_then_changes_then_a_full_sync_prunes(hub, storage):
    for n in range(1, 6):
        storage.put(f"reports/{n}.txt", f"Report number {n}.")
    # Listing pages of two objects, two batches per task run: the sync is handed on.
    paging = {"operations_config": {"batch_size": 2, "max_batches": 2}}
    connector = hub.running(storage.kind, {**storage.config, **paging})

    first = hub.sync(connector)

    assert set(hub.documents(connector)) == {f"reports/{n}.txt" for n in range(1, 6)}
    assert hub.documents(connector)["reports/3.txt"].content == "Report number 3."
    assert first.attempts == 1 and first.progress_done == 5

    storage.put("reports/2.txt", "Report number 2, corrected.")
    storage.put("reports/6.txt", "Report number 6.")
    storage.throttle()
    changes = hub.sync(connector)

    # Objects changed within the look-back window are fetched again, found identical.
    assert counts(changes) == {"created": 1, "updated": 1, "unchanged": 4, "deleted": 0}
    assert hub.documents(connector)["reports/2.txt"].content == "Report number 2, corrected."
    assert any("limiting the request rate" in line for line in hub.log(changes))

    # An ordinary (incremental) sync sees a deleted object missing from the listing.
    storage.delete("reports/4.txt")
    listed = hub.sync(connector)

    assert counts(listed)["deleted"] == 1
    assert hub.deleted(connector) == {"reports/4.txt"}

    storage.delete("reports/5.txt")
    full = hub.sync(connector, full=True)

    assert counts(full) == {"created": 0, "updated": 0, "unchanged": 4, "deleted": 1}
    assert hub.deleted(connector) == {"reports/4.txt", "reports/5.txt"}


def test_a_wrong_secret_fails_the_check_in_the_worker(hub, storage):
    wrong = base64.b64encode(b"e2e-not-the-right-secret-key-0001").decode()
    config = {**storage.config, storage.secret_field: wrong}

    connector = hub.checked(hub.create(storage.kind, config))

    assert_failed_check(connector, storage.refused, wrong)
