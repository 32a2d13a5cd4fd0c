from datetime import timedelta

import pytest

from registry.kinds.confluence.source import ConfluenceSource
from tests.fakes import confluence as fake
from tests.reading import RecordingContext


@pytest.fixture
def confluence(confluence_server):
    confluence_server.reset()
    return confluence_server


@pytest.fixture
def make_reader(confluence):
    def make(cloud=True, batch_size=2, **slots):
        credentials = (
            {"email": fake.EMAIL, "api_token": fake.API_TOKEN}
            if cloud
            else {"personal_access_token": fake.PERSONAL_ACCESS_TOKEN}
        )
        config = ConfluenceSource.prepare_config(
            {"base_url": confluence.url, **credentials, **slots}
        )
        reader = ConfluenceSource(config, RecordingContext(batch_size=batch_size))
        reader.overlap = timedelta(0)
        return reader

    return make
