import pytest

from registry.kinds.onedrive.source import OneDriveSource
from registry.kinds.sharepoint.source import SharePointSource
from tests.fakes import microsoft as fake
from tests.reading import RecordingContext


@pytest.fixture
def microsoft(microsoft_server, test_ca, settings):
    settings.CONNECTOR_HUB_EXTRA_CA_FILE = test_ca[1]
    microsoft_server.reset()
    return microsoft_server


@pytest.fixture
def make_reader(microsoft):
    def make(*urls, onedrive=False, batch_size=2, **overrides):
        cls = OneDriveSource if onedrive else SharePointSource
        config = {
            "urls": list(urls),
            "tenant_id": fake.TENANT,
            "client_id": fake.CLIENT_ID,
            "client_secret": fake.CLIENT_SECRET,
            "authority_host": microsoft.url,
            "graph_base_url": f"{microsoft.url}/v1.0",
            **overrides,
        }
        return cls(cls.prepare_config(config), RecordingContext(batch_size=batch_size))

    return make
