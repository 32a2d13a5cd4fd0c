"""``confluence`` and ``jira`` (Atlassian Cloud) end to end against the local stand-ins: a worker
checks the credentials, syncs a space or a JQL selection page by page, then only what changed
(a rate-limited request retried after Retry-After), and prunes a deleted page or issue on a full
sync; a wrong API token fails the check without echoing it."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import assert_failed_check, counts
from tests.fakes import confluence as fake_confluence
from tests.fakes import jira as fake_jira

pytestmark = [pytest.mark.worker, pytest.mark.database]

PAGING = {"operations_config": {"batch_size": 2}}
LAST_WEEK = datetime.now(UTC) - timedelta(days=7)


@pytest.fixture
def confluence(confluence_server):
    confluence_server.reset()
    confluence_server.add_space("ENG", "Engineering")
    for number, title in enumerate(["Handbook", "Onboarding", "Roadmap", "Glossary", "FAQ"], 1):
        confluence_server.add(
            number, title, "ENG", body=f"<p>{title} of the team.</p>", when=LAST_WEEK
        )
    confluence_server.add(8, "Runbook", "OPS", body="<p>Restart it.</p>", when=LAST_WEEK)
    return confluence_server


@pytest.fixture
def jira(jira_server):
    jira_server.reset()
    for number, summary in enumerate(["Checkout", "Card fails", "Receipts", "Login slow"], 1):
        jira_server.add(number, f"SUP-{number}", summary, updated=LAST_WEEK, created=LAST_WEEK)
    jira_server.add(9, "OPS-1", "Restart cache", updated=LAST_WEEK, created=LAST_WEEK)
    return jira_server


def cloud(server, fake) -> dict:
    return {"base_url": server.url, "email": fake.EMAIL, "api_token": fake.API_TOKEN}


def test_confluence_space_then_changed_pages_then_a_full_sync_prunes(hub, confluence):
    connector = hub.running(
        "confluence", {**cloud(confluence, fake_confluence), "spaces": ["ENG"], **PAGING}
    )

    first = hub.sync(connector)

    assert first.documents_created == 5
    assert set(hub.documents(connector)) == {"1", "2", "3", "4", "5"}
    assert hub.documents(connector)["3"].content == "Roadmap of the team."
    assert len(confluence.requests_to("/content/search")) == 3  # pages of two

    confluence.update("3", body="<p>Roadmap, second half.</p>")
    confluence.add(6, "Release notes", "ENG", body="<p>Version 2.</p>")
    confluence.fail_next(
        429,
        {"statusCode": 429, "message": "Rate limit exceeded."},
        headers={"Retry-After": "1"},
        path_contains="/content/search",
    )
    changes = hub.sync(connector)

    assert counts(changes) == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 0}
    assert hub.documents(connector)["3"].content == "Roadmap, second half."
    assert "lastmodified >=" in confluence.requests_to("/content/search")[-1].args["cql"][0]
    assert any("limiting the request rate" in line for line in hub.log(changes))

    confluence.delete("4")
    full = hub.sync(connector, full=True)

    assert counts(full) == {"created": 0, "updated": 0, "unchanged": 5, "deleted": 1}
    assert hub.deleted(connector) == {"4"}


def test_jira_issues_then_updated_ones_then_a_full_sync_prunes(hub, jira):
    connector = hub.running(
        "jira", {**cloud(jira, fake_jira), "jql_query": "project = SUP", **PAGING}
    )

    first = hub.sync(connector)

    issues = hub.documents(connector)
    assert set(issues) == {"10001", "10002", "10003", "10004"}
    assert issues["10002"].title == "SUP-2: Card fails"
    assert first.documents_created == 4

    jira.update("SUP-4", summary="Login slow on mobile")
    jira.add(5, "SUP-5", "New bug")
    jira.fail_next(
        429,
        {"errorMessages": ["Rate limit exceeded."], "errors": {}},
        headers={"Retry-After": "1"},
        path_contains="/issue/bulkfetch",
    )
    changes = hub.sync(connector)

    assert counts(changes) == {"created": 1, "updated": 1, "unchanged": 0, "deleted": 0}
    assert hub.documents(connector)["10004"].title == "SUP-4: Login slow on mobile"
    assert "updated >=" in jira.requests_to("/search/jql")[-1].args["jql"][0]

    jira.delete("SUP-2")
    full = hub.sync(connector, full=True)

    assert counts(full) == {"created": 0, "updated": 0, "unchanged": 4, "deleted": 1}
    assert hub.deleted(connector) == {"10002"}


@pytest.mark.parametrize("kind", ["confluence", "jira"])
def test_a_wrong_api_token_fails_the_check_in_the_worker(hub, kind, request):
    server = request.getfixturevalue(kind)
    fake = fake_confluence if kind == "confluence" else fake_jira
    wrong = "ATATT3x-e2e-wrong-token"
    selection = {"spaces": ["ENG"]} if kind == "confluence" else {"jql_query": "project = SUP"}
    config = {**cloud(server, fake), "api_token": wrong, **selection}

    connector = hub.checked(hub.create(kind, config))

    assert_failed_check(connector, "refused the credentials (HTTP 401)", wrong)
