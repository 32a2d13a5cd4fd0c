import itertools
from datetime import timedelta

import pytest

from registry.kinds.azure_storage.source import AzureStorageSource
from tests.reading import RecordingContext
from tests.servers.azurite import ACCOUNT, KEY

_containers = itertools.count(1)


@pytest.fixture
def container(azurite, blob_proxy):
    blob_proxy.reset()
    client = azurite.service().get_container_client(f"hub-docs-{next(_containers)}")
    client.create_container()
    yield client
    client.close()


@pytest.fixture
def azure_config(blob_proxy, container):
    return {
        "container_name": container.container_name,
        "region": "westeurope",
        "url": f"{blob_proxy.url}/{ACCOUNT}",
        "account_name_read": ACCOUNT,
        "account_key_read": KEY,
        "account_name_write": ACCOUNT,
        "account_key_write": KEY,
        "prefix": "",
    }


@pytest.fixture
def make_reader(azure_config):
    def make(batch_size=2, **overrides):
        config = AzureStorageSource.prepare_config({**azure_config, **overrides})
        reader = AzureStorageSource(config, RecordingContext(batch_size=batch_size))
        # Blobs here change within seconds of each other: look back no further than the pass.
        reader.overlap = timedelta(0)
        return reader

    return make
