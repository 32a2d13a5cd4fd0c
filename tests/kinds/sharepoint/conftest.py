import ssl

import pytest
import trustme

from connectors.kinds.onedrive.source import OneDriveSource
from connectors.kinds.sharepoint.source import SharePointSource
from tests.fakes import microsoft as fake
from tests.kinds.reading import RecordingContext


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory):
    """A throw-away certificate authority, and a server context with its 127.0.0.1 cert."""
    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server)
    ca_file = tmp_path_factory.mktemp("test-ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return server, str(ca_file)


@pytest.fixture(scope="session")
def microsoft_server(test_ca):
    server = fake.FakeMicrosoft(ssl_context=test_ca[0]).start()
    yield server
    server.stop()


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
