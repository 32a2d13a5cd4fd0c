"""``check()`` reaches the current-user endpoint with the credentials, and config rules."""

import pytest

from config.errors import InvalidInput
from registry.kinds.jira.source import JiraSource
from registry.sources.base import SourceError


def test_cloud_and_data_center_credentials_are_accepted(make_reader, jira):
    make_reader(cloud=True).check()
    make_reader(cloud=False).check()

    assert [s.path for s in jira.seen] == ["/rest/api/3/myself", "/rest/api/2/myself"]


def test_a_wrong_api_token_is_reported(make_reader):
    with pytest.raises(SourceError) as raised:
        make_reader(api_token="wrong-token-123").check()

    assert raised.value.message == (
        "Jira refused the credentials (HTTP 401): "
        "You are not authenticated. Authentication required to perform this operation."
    )
    assert raised.value.retryable is False


def test_a_wrong_personal_access_token_is_reported(make_reader):
    with pytest.raises(SourceError) as raised:
        make_reader(cloud=False, personal_access_token="nope-nope").check()

    assert raised.value.type == "AuthenticationFailed"


def test_a_query_with_only_an_order_is_refused():
    with pytest.raises(InvalidInput) as raised:
        JiraSource.prepare_config(
            {
                "base_url": "https://x.atlassian.net",
                "jql_query": "ORDER BY created",
                "personal_access_token": "t",
            }
        )

    assert raised.value.errors == {"jql_query": ["Give a JQL query that selects the issues."]}


def test_the_base_url_must_be_an_address():
    with pytest.raises(InvalidInput) as raised:
        JiraSource.prepare_config(
            {
                "base_url": "jira.example.com",
                "jql_query": "project = A",
                "personal_access_token": "t",
            }
        )

    assert raised.value.errors == {"base_url": ["Must be the http(s) address of the site."]}
