"""``web_scraper``, ``WEBSITE``, ``RSS`` and ``HttpData`` end to end against the local test website:
a worker checks and syncs each, re-syncs take only what changed (conditional requests, feed
validators) or prune what the source no longer lists, throttled requests are retried, and checks
fail with reasons that name the problem and no secret."""

import json
import re

import pytest

from tests.e2e.conftest import assert_failed_check, counts
from tests.registry.sources.test_web_sources import FULL_CRAWL
from tests.servers.website import Page, html, paragraph, rss_feed

pytestmark = [pytest.mark.worker, pytest.mark.database]

CRAWLED = FULL_CRAWL  # what the reader tests crawl on the same site
TOKEN = "Bearer e2e-Secret-Token-77"


def paths(site, documents) -> set[str]:
    return {external_id.removeprefix(site.origin) for external_id in documents}


def crawl_config(site, **options) -> dict:
    return {"url": site.url("/docs/"), "extraction_type": "all", "request_delay": 0, **options}


def test_web_scraper_crawls_then_takes_only_what_changed(hub, site):
    connector = hub.running("web_scraper", {**crawl_config(site), "email": "owner@example.com"})

    first = hub.sync(connector)

    documents = hub.documents(connector)
    assert paths(site, documents) == CRAWLED
    assert first.documents_created == len(CRAWLED)
    guide = documents[site.url("/docs/guide.html")]
    assert guide.title == "The guide" and "Install the thing" in guide.content
    assert guide.metadata["file_owner"] == "owner@example.com"

    site.set("/docs/guide.html", html("The guide", paragraph("Now in version two.")))
    site.remove("/docs/deep/c/c.html")
    site.fail_next("/docs/notes.txt", 429, {"Retry-After": "1"})
    again = hub.sync(connector)

    assert counts(again) == {
        "created": 0,
        "updated": 1,
        "unchanged": len(CRAWLED) - 2,
        "deleted": 1,  # the page is gone (404): reported by the crawl
    }
    assert "version two" in hub.documents(connector)[site.url("/docs/guide.html")].content
    assert paths(site, hub.deleted(connector)) == {"/docs/deep/c/c.html"}
    # Unchanged pages were asked for conditionally and answered 304.
    assert "If-None-Match" in site.requested("/docs/orphan.html")[-1]
    # The throttled page was fetched again after the wait the site asked for.
    assert len(site.requested("/docs/notes.txt")) == 3


def test_website_prunes_a_page_gone_on_a_full_sync(hub, site):
    connector = hub.running("WEBSITE", crawl_config(site))
    hub.sync(connector)
    assert paths(site, hub.documents(connector)) == CRAWLED

    site.remove("/docs/orphan.html")  # now it answers 404
    full = hub.sync(connector, full=True)

    assert full.documents_deleted == 1
    assert paths(site, hub.deleted(connector)) == {"/docs/orphan.html"}
    assert any("marked deleted" in line for line in hub.log(full))


def test_website_check_fails_on_a_missing_start_page(hub, site):
    connector = hub.checked(hub.create("WEBSITE", {"url": site.url("/nowhere/")}))

    assert_failed_check(connector, "answered 404")


def test_rss_scans_once_then_reads_new_entries_and_prunes_on_a_full_sync(hub, site):
    connector = hub.running("RSS", {"url": site.url("/feed.xml"), "runMode": "scan_once"})

    first = hub.sync(connector)  # SCAN_ONCE: the sync queued when the check passed

    assert first.trigger == "schedule"
    entries = {site.url(f"/posts/{n}") for n in (1, 2, 3)}
    assert set(hub.documents(connector)) == entries
    assert hub.documents(connector)[site.url("/posts/2")].content == "Summary of entry 2."

    unchanged = hub.sync(connector)
    assert unchanged.documents_seen == 0  # the feed answered 304 to its validators
    assert "If-None-Match" in site.requested("/feed.xml")[-1]

    site.set("/feed.xml", feed(site, 5))
    site.fail_next("/feed.xml", 429, {"Retry-After": "1"})
    fetched = len(site.requested("/feed.xml"))
    more = hub.sync(connector)
    assert counts(more) == {"created": 2, "updated": 0, "unchanged": 3, "deleted": 0}
    assert len(site.requested("/feed.xml")) == fetched + 2  # throttled once, then read

    site.set("/feed.xml", feed(site, 5, without=1))
    full = hub.sync(connector, full=True)
    assert full.documents_deleted == 1
    assert hub.deleted(connector) == {site.url("/posts/1")}


def feed(site, count: int, without: int | None = None) -> Page:
    body = rss_feed(site.origin, count)
    if without is not None:
        body = re.sub(rb"<item><title>Entry %d</title>.*?</item>" % without, b"", body, count=1)
    return Page(body, content_type="application/rss+xml")


def records(*numbers: int, version: int = 1) -> list[dict]:
    return [{"id": n, "name": f"Record {n}", "version": version} for n in numbers]


def private(site, path: str, items: list, next_path: str | None) -> None:
    body = {"data": {"items": items}, "links": {"next": next_path}}
    site.set(
        path,
        Page(
            json.dumps(body).encode(),
            content_type="application/json",
            requires=("Authorization", TOKEN),
        ),
    )


def http_data_config(site, token: str = TOKEN) -> dict:
    return {
        "url": site.url("/api/private"),
        "auth_header": token,
        "records_path": "data.items",
        "next_link_field": "links.next",
        "title_field": "name",
    }


def test_http_data_pages_through_records_and_prunes_those_gone(hub, site):
    private(site, "/api/private", records(1, 2, 3), "/api/private/2")
    private(site, "/api/private/2", records(4, 5), None)
    connector = hub.running("HttpData", http_data_config(site))

    first = hub.sync(connector)

    assert first.documents_created == 5
    assert set(hub.documents(connector)) == {"1", "2", "3", "4", "5"}
    assert hub.documents(connector)["4"].title == "Record 4"

    private(site, "/api/private", records(1, 2) + records(3, version=2), "/api/private/2")
    private(site, "/api/private/2", records(5), None)
    site.fail_next("/api/private/2", 429, {"Retry-After": "1"})
    again = hub.sync(connector)

    assert counts(again) == {"created": 0, "updated": 1, "unchanged": 3, "deleted": 1}
    assert hub.deleted(connector) == {"4"}
    assert json.loads(hub.documents(connector)["3"].content)["version"] == 2
    assert any("limiting the request rate" in line for line in hub.log(again))


def test_http_data_check_names_a_refused_header_without_echoing_it(hub, site):
    private(site, "/api/private", records(1), None)
    wrong = "Bearer e2e-Wrong-Token-13"
    connector = hub.checked(hub.create("HttpData", http_data_config(site, token=wrong)))

    assert_failed_check(connector, "refused the request (HTTP 401)", wrong, "e2e-Wrong-Token-13")
