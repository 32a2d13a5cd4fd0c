"""``check()`` gets a token and resolves every link; bad credentials are named clearly."""

import pytest

from config.errors import InvalidInput
from registry.kinds.sharepoint.source import SharePointSource
from registry.sources.base import SourceError
from tests.fakes import microsoft as fake

SITE = "https://contoso.sharepoint.com/sites/Team"


@pytest.fixture
def site(microsoft):
    return microsoft.add_site("contoso.sharepoint.com", "/sites/Team")


def test_a_token_is_obtained_and_the_site_resolved(make_reader, microsoft, site):
    make_reader(SITE).check()

    paths = [s.path for s in microsoft.seen]
    assert paths[0] == f"/{fake.TENANT}/v2.0/.well-known/openid-configuration"
    assert paths[1] == f"/{fake.TENANT}/oauth2/v2.0/token"
    assert paths[2:] == [
        "/v1.0/sites/contoso.sharepoint.com:/sites/Team",
        f"/v1.0/sites/{site['id']}/drive",
    ]


def test_a_wrong_client_secret_is_reported(make_reader, site):
    with pytest.raises(SourceError) as raised:
        make_reader(SITE, client_secret="not-the-secret").check()

    assert raised.value.message.startswith(
        "Microsoft Entra ID refused the app credentials: invalid_client - AADSTS7000215: "
        "Invalid client secret provided."
    )
    assert raised.value.type == "AuthenticationFailed"
    assert "not-the-secret" not in raised.value.message


def test_an_unknown_tenant_is_reported(make_reader, site):
    with pytest.raises(SourceError) as raised:
        make_reader(SITE, tenant_id="00000000-0000-0000-0000-000000000000").check()

    assert raised.value.message.startswith(
        "The tenant 00000000-0000-0000-0000-000000000000 is not known to https://127.0.0.1:"
    )


def test_an_unknown_site_is_reported(make_reader, site):
    with pytest.raises(SourceError) as raised:
        make_reader("https://contoso.sharepoint.com/sites/Nope").check()

    assert raised.value.message == (
        "Microsoft Graph found nothing at /v1.0/sites/contoso.sharepoint.com:/sites/Nope "
        "(HTTP 404): Requested site could not be found"
    )


def test_an_unknown_library_is_reported(make_reader, site):
    with pytest.raises(SourceError) as raised:
        make_reader(f"{SITE}/Minutes/2024").check()

    assert (
        raised.value.message
        == f"The site of {SITE}/Minutes/2024 has no document library named Minutes."
    )


def test_endpoints_must_be_https():
    with pytest.raises(InvalidInput) as raised:
        SharePointSource.prepare_config({"urls": [SITE], "graph_base_url": "http://graph"})

    assert raised.value.errors == {"graph_base_url": ["Must be an https address."]}


def test_links_that_are_not_https_links_are_reported(make_reader, microsoft):
    reader = make_reader("http://contoso.sharepoint.com/sites/Team", "sharepoint_url_02")

    with pytest.raises(SourceError) as raised:
        reader.check()

    assert raised.value.message == (
        "urls.0, urls.1: Must be an https link to a SharePoint site, library or folder."
    )
    assert microsoft.seen == []
