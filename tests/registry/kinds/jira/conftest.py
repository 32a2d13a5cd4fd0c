from datetime import timedelta

import pytest

from registry.kinds.jira.source import JiraSource
from tests.fakes import jira as fake
from tests.reading import RecordingContext


@pytest.fixture
def jira(jira_server):
    jira_server.reset()
    return jira_server


@pytest.fixture
def make_reader(jira):
    def make(cloud=True, batch_size=2, jql_query="project = SUP", **slots):
        credentials = (
            {"email": fake.EMAIL, "api_token": fake.API_TOKEN}
            if cloud
            else {"personal_access_token": fake.PERSONAL_ACCESS_TOKEN}
        )
        config = JiraSource.prepare_config(
            {"base_url": jira.url, "jql_query": jql_query, **credentials, **slots}
        )
        reader = JiraSource(config, RecordingContext(batch_size=batch_size))
        reader.overlap = timedelta(0)
        return reader

    return make
