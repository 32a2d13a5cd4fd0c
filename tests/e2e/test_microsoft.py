"""``sharepoint`` and ``onedrive`` end to end against the local identity platform + Graph over TLS:
a worker gets an app token through msal, reads the drive's delta page by page, then only the
changes and deletions (a throttled delta retried after Retry-After); when the change token has
expired (410) the drive is listed again in full and what was deleted in the gap is pruned; a
wrong client secret fails the check without echoing it."""

import pytest

from tests.e2e.conftest import assert_failed_check, counts
from tests.fakes import microsoft as fake

pytestmark = [pytest.mark.worker, pytest.mark.database]

SITE = "https://contoso.sharepoint.com/sites/Team"
OWNER = "ana@contoso.com"


@pytest.fixture(scope="module")
def worker_env(test_ca):
    return {"CONNECTOR_HUB_EXTRA_CA_FILE": test_ca[1]}


@pytest.fixture
def microsoft(microsoft_server, test_ca, settings):
    settings.CONNECTOR_HUB_EXTRA_CA_FILE = test_ca[1]  # for the checks the web process runs
    microsoft_server.reset()
    return microsoft_server


@pytest.fixture(params=["sharepoint", "onedrive"])
def drive(request, microsoft):
    """A team site's library, or Ana's OneDrive: three files, one of them in a folder."""
    if request.param == "sharepoint":
        site = microsoft.add_site("contoso.sharepoint.com", "/sites/Team", "Shared Documents")
        drive, link = microsoft.drives[site["drives"][0]], SITE
    else:
        drive = microsoft.add_user(OWNER, "contoso-my.sharepoint.com", "/personal/ana_contoso_com")
        link = OWNER
    folder = microsoft.add_item(drive, "Policies")
    items = {
        "intro": microsoft.add_item(drive, "intro.txt", content=b"Welcome to the team."),
        "travel": microsoft.add_item(drive, "travel.txt", folder, b"Book trains."),
        "leave": microsoft.add_item(drive, "leave.md", folder, b"# Leave", "text/markdown"),
    }
    return request.param, drive, link, items


def config(microsoft, link: str, secret: str = fake.CLIENT_SECRET) -> dict:
    return {
        "urls": [link],
        "tenant_id": fake.TENANT,
        "client_id": fake.CLIENT_ID,
        "client_secret": secret,
        "authority_host": microsoft.url,
        "graph_base_url": f"{microsoft.url}/v1.0",
        "operations_config": {"batch_size": 2},
    }


def key(drive, item) -> str:
    return f"{drive.id}:{item.id}"


def test_a_drive_then_its_changes_then_a_full_listing_after_an_expired_token(hub, microsoft, drive):
    kind, graph_drive, link, items = drive
    connector = hub.running(kind, config(microsoft, link))

    hub.sync(connector)

    assert set(hub.documents(connector)) == {key(graph_drive, i) for i in items.values()}
    assert hub.documents(connector)[key(graph_drive, items["travel"])].content == "Book trains."
    assert any("$skiptoken" in s.args for s in microsoft.requests_to("/root/delta"))

    microsoft.change(graph_drive, items["travel"], content=b"Book trains, second class.")
    items["plan"] = microsoft.add_item(graph_drive, "plan.txt", content=b"Next quarter.")
    microsoft.remove(graph_drive, items["intro"])
    microsoft.fail_next(
        429,
        {"error": {"code": "TooManyRequests", "message": "Please retry after 1 second."}},
        headers={"Retry-After": "1"},
        path_contains="/root/delta",
    )
    changes = hub.sync(connector)

    assert counts(changes) == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 1}
    assert hub.deleted(connector) == {key(graph_drive, items["intro"])}
    travel = hub.documents(connector)[key(graph_drive, items["travel"])]
    assert travel.content == "Book trains, second class."
    assert any("limiting the request rate" in line for line in hub.log(changes))

    # Deleted while the change token is lost: no tombstone will ever say so.
    microsoft.remove(graph_drive, items["leave"])
    microsoft.expire_tokens(graph_drive)
    relisted = hub.sync(connector)

    assert counts(relisted) == {"created": 0, "updated": 0, "unchanged": 2, "deleted": 1}
    assert hub.deleted(connector) == {key(graph_drive, items[n]) for n in ("intro", "leave")}
    assert any("listed in full again" in line for line in hub.log(relisted))
    connector.refresh_from_db()
    assert connector.cursor["reader"]["targets"][link]["delta"]  # incremental again next time


def test_a_wrong_client_secret_fails_the_check_in_the_worker(hub, microsoft, drive):
    kind, _, link, _ = drive
    wrong = "Qx8~e2e-not-the-secret"

    connector = hub.checked(hub.create(kind, config(microsoft, link, secret=wrong)))

    assert_failed_check(connector, "invalid_client - AADSTS7000215", wrong)
