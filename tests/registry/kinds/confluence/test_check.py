"""``check()`` reaches the current-user endpoint with the credentials, and config rules."""

import pytest

from config.errors import InvalidInput
from registry.kinds.confluence.source import ConfluenceSource
from registry.sources.base import SourceError
from tests.fakes import confluence as fake


def test_cloud_and_data_center_credentials_are_accepted(make_reader, confluence):
    make_reader(cloud=True, upload_all_data=True).check()
    make_reader(cloud=False, upload_all_data=True).check()

    assert [s.path for s in confluence.seen] == [
        "/wiki/rest/api/user/current",
        "/rest/api/user/current",
    ]


def test_a_wrong_api_token_is_reported(make_reader):
    reader = make_reader(upload_all_data=True, api_token="wrong-token-123")

    with pytest.raises(SourceError) as raised:
        reader.check()

    assert raised.value.message == (
        "Confluence refused the credentials (HTTP 401): "
        "Client must be authenticated to access this resource."
    )
    assert raised.value.type == "AuthenticationFailed"


def test_a_wrong_personal_access_token_is_reported(make_reader):
    reader = make_reader(cloud=False, upload_all_data=True, personal_access_token="nope-nope")

    with pytest.raises(SourceError) as raised:
        reader.check()

    assert "refused the credentials (HTTP 401)" in raised.value.message


def test_an_anonymous_answer_means_the_credentials_were_not_used(confluence):
    reader = ConfluenceSource(
        {"base_url": confluence.url, "personal_access_token": "t", "upload_all_data": True}
    )
    del reader.api.client.headers["Authorization"]

    with pytest.raises(SourceError) as raised:
        reader.check()

    assert "anonymous user" in raised.value.message


def test_the_selection_is_checked_when_the_connector_starts(confluence):
    config = ConfluenceSource.prepare_config(
        {
            "base_url": confluence.url,
            "personal_access_token": fake.PERSONAL_ACCESS_TOKEN,
            "pages": ["https://x.atlassian.net/wiki/display/ENG/Some+Title", "123"],
            "folders": ["notes"],
        }
    )

    with pytest.raises(SourceError) as raised:
        ConfluenceSource(config).check()

    assert raised.value.message == (
        "Confluence selection: pages.0 must be a page id or a link that contains it "
        "(…/pages/123456/…); folders.0 must be a folder id or a link that contains it "
        "(…/folder/123456)."
    )
    assert confluence.seen == []


def test_nothing_selected_is_reported(confluence):
    reader = ConfluenceSource({"base_url": confluence.url, "personal_access_token": "t"})

    with pytest.raises(SourceError) as raised:
        reader.check()

    assert raised.value.message.endswith(
        "nothing is selected: give a CQL query, spaces, pages or folders, or set upload_all_data."
    )


def test_missing_credentials_are_reported(confluence):
    reader = ConfluenceSource({"base_url": confluence.url, "upload_all_data": True})

    with pytest.raises(SourceError) as raised:
        reader.check()

    assert raised.value.message.startswith("No Confluence credentials are configured")


def test_credentials_are_required_as_a_set():
    with pytest.raises(InvalidInput) as raised:
        ConfluenceSource.prepare_config({"base_url": "https://x.atlassian.net", "email": "a@b.c"})

    assert raised.value.errors == {"api_token": ["Required with email (Atlassian Cloud)."]}
