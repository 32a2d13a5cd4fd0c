"""Websites read by ``web_scraper`` and ``WEBSITE`` from a real local HTTP server."""

import pytest

from config.errors import InvalidInput
from registry.sources.base import SourceError
from registry.sources.installed import implementation
from tests.reading import RecordingContext, documents_of, read_all
from tests.servers.ports import free_port
from tests.servers.website import Page, html, paragraph

FULL_CRAWL = {
    "/docs/",
    "/docs/guide.html",
    "/docs/deep/a.html",
    "/docs/deep/b.html",
    "/docs/deep/c/c.html",
    "/docs/new.html",
    "/docs/slow.html",
    "/docs/notes.txt",
    "/docs/orphan.html",
    "/docs/listed-in-robots-sitemap.html",
}


def scraper_config(site, path="/docs/", **options):
    return {
        "url": site.url(path),
        "extraction_type": "all",
        "email": "owner@example.com",
        "max_pages": 50,
        "max_depth": 3,
        "max_concurrency": 2,
        "request_delay": 0,
        **options,
    }


def scraper(config, kind="web_scraper", batch_size=100):
    return implementation(kind)(config, RecordingContext(batch_size=batch_size))


def paths(site, documents):
    return {d.external_id.removeprefix(site.origin) for d in documents}


def test_crawl_follows_links_and_sitemaps_within_scope_and_robots(site):
    source = scraper(scraper_config(site))
    batches, _ = read_all(source)
    documents = documents_of(batches)
    assert paths(site, documents) == FULL_CRAWL
    assert len(documents) == len(FULL_CRAWL)  # the canonical copy of the guide is not repeated

    requested = site.paths()
    for never in ("/docs/private/secret.html", "/docs/skipped.html", "/outside.html"):
        assert never not in requested
    assert "/elsewhere/outside-scope.html" not in requested
    assert "/docs/hidden.html" in requested  # fetched for its links, not indexed (noindex)

    by_path = {d.external_id.removeprefix(site.origin): d for d in documents}
    guide = by_path["/docs/guide.html"]
    assert guide.title.startswith("The guide")
    assert "Install the thing, then run it." in guide.content
    assert "<p>" not in guide.content
    assert guide.metadata["file_owner"] == "owner@example.com"
    assert guide.source_updated_at.year == 2024
    assert by_path["/docs/new.html"].url == site.url("/docs/new.html")  # after the redirect
    assert by_path["/docs/notes.txt"].content == "Plain notes of the site."
    assert site.most_in_flight <= 2


def test_depth_and_page_limits_bound_the_crawl(site):
    batches, _ = read_all(scraper(scraper_config(site, max_depth=1)))
    found = paths(site, documents_of(batches))
    assert "/docs/deep/a.html" in found and "/docs/deep/b.html" not in found

    source = scraper(scraper_config(site, max_pages=3))
    documents = documents_of(read_all(source)[0])
    assert 1 <= len(documents) <= 3
    assert any("limit of 3 page(s)" in message for _, message in source.context.lines)


def test_single_page_reads_only_the_given_page(site):
    config = scraper_config(site, path="/docs/guide.html", extraction_type="single")
    documents = documents_of(read_all(scraper(config))[0])
    assert paths(site, documents) == {"/docs/guide.html"}
    assert "/sitemap.xml" not in site.paths()


def test_resync_sends_conditional_requests_and_prunes_gone_pages(site):
    _, cursor = read_all(scraper(scraper_config(site)))
    site.requests.clear()
    site.set("/docs/guide.html", html("The guide", paragraph("Version two of the guide.")))
    site.remove("/docs/deep/b.html")

    batches, _ = read_all(scraper(scraper_config(site)), cursor)
    by_path = {d.external_id.removeprefix(site.origin): d for d in documents_of(batches)}
    assert set(by_path) == FULL_CRAWL - {"/docs/deep/b.html", "/docs/deep/c/c.html"}
    # Gone (404) and no longer linked: reported deleted at the end of the crawl.
    assert batches[-1].deleted_external_ids == [
        site.url("/docs/deep/b.html"),
        site.url("/docs/deep/c/c.html"),
    ]
    assert all(not b.deleted_external_ids for b in batches[:-1])
    assert not by_path["/docs/guide.html"].unchanged
    assert "Version two" in by_path["/docs/guide.html"].content
    assert by_path["/docs/"].unchanged and by_path["/docs/deep/a.html"].unchanged
    assert site.requested("/docs/")[0].get("If-None-Match")
    assert site.requested("/docs/deep/a.html")[0].get("If-Modified-Since")


def test_a_passing_server_error_keeps_a_known_page(site):
    _, cursor = read_all(scraper(scraper_config(site)))
    site.requests.clear()
    site.set("/docs/guide.html", Page(b"oops", status=503, headers={"Retry-After": "0"}))
    batches, _ = read_all(scraper(scraper_config(site)), cursor)
    by_path = {d.external_id.removeprefix(site.origin): d for d in documents_of(batches)}
    assert batches[-1].deleted_external_ids == []
    assert by_path["/docs/guide.html"].unchanged
    assert len(site.requested("/docs/guide.html")) == 3  # two retries
    assert set(by_path) == FULL_CRAWL


def test_a_sync_resumes_after_its_last_batch_without_losing_or_repeating_pages(site):
    first = scraper(scraper_config(site), batch_size=3)
    stream = first.read(None)
    started = [next(stream), next(stream)]
    stream.close()
    rest, _ = read_all(scraper(scraper_config(site), batch_size=3), started[-1].cursor)
    ids = [d.external_id for d in documents_of(started + rest)]
    assert len(ids) == len(set(ids))
    assert paths(site, documents_of(started + rest)) == FULL_CRAWL


def test_requests_to_the_site_are_spaced_and_bounded(site):
    for path in ("/docs/guide.html", "/docs/deep/a.html", "/docs/new.html"):
        site.pages[path].delay = 0.2
    read_all(scraper(scraper_config(site, max_concurrency=2)))
    assert site.most_in_flight == 2

    site.reset()
    read_all(scraper(scraper_config(site, max_pages=3, request_delay=0.2)))
    starts = [at for _, _, at in site.requests]
    assert len(starts) >= 6  # robots.txt, three sitemaps, three pages
    # Arrival times, so a margin for the network: unthrottled, they are milliseconds apart.
    assert all(b - a >= 0.12 for a, b in zip(starts, starts[1:], strict=False))


def test_a_crawl_delay_in_robots_is_obeyed(site):
    site.set("/robots.txt", Page(b"User-agent: *\nCrawl-delay: 0.2\n", content_type="text/plain"))
    read_all(scraper(scraper_config(site, max_depth=0)))
    starts = [at for _, _, at in site.requests]
    assert all(b - a >= 0.12 for a, b in zip(starts[1:], starts[2:], strict=False))


def test_hostile_sitemaps_are_refused_and_the_crawl_goes_on(site):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol2;</loc>'
        b"</url></urlset>"
    )
    site.set("/sitemap.xml", Page(bomb, content_type="application/xml"))
    source = scraper(scraper_config(site))
    found = paths(site, documents_of(read_all(source)[0]))
    assert "/docs/orphan.html" not in found and "/docs/guide.html" in found
    assert any("refused" in message for _, message in source.context.lines)


def test_robots_txt_server_error_stops_the_read_for_a_retry(site):
    site.set("/robots.txt", Page(b"down", status=500, headers={"Retry-After": "0"}))
    with pytest.raises(SourceError) as caught:
        read_all(scraper(scraper_config(site)))
    assert caught.value.retryable and "robots.txt" in caught.value.message


def test_check_names_what_is_wrong(site):
    scraper(scraper_config(site)).check()
    with pytest.raises(SourceError, match="answered 404"):
        scraper(scraper_config(site, path="/docs/nothing-here.html")).check()
    with pytest.raises(SourceError, match="robots.txt does not allow"):
        scraper(scraper_config(site, path="/docs/private/secret.html")).check()
    config = scraper_config(site)
    config["url"] = f"http://127.0.0.1:{free_port()}/"
    with pytest.raises(SourceError) as caught:
        scraper(config).check()
    assert caught.value.retryable and "Cannot reach" in caught.value.message


def test_a_start_page_that_disappears_fails_the_read_instead_of_pruning_everything(site):
    site.remove("/docs/")
    with pytest.raises(SourceError, match="answered 404"):
        read_all(scraper(scraper_config(site)))


def test_website_kind_crawls_by_default(site):
    config = {"url": site.url("/docs/"), "request_delay": 0}
    documents = documents_of(read_all(scraper(config, kind="WEBSITE"))[0])
    assert paths(site, documents) == FULL_CRAWL


@pytest.mark.database
def test_prepare_config_cleans_urls_and_the_spec_refuses_other_schemes(make_definition):
    import json

    from registry import configs
    from registry.sources.installed import KINDS_DIR

    source_class = implementation("WEBSITE")
    assert source_class.prepare_config({"url": " https://example.com/docs "})["url"] == (
        "https://example.com/docs"
    )
    with pytest.raises(InvalidInput) as caught:
        source_class.prepare_config({"url": "https://user:pw@example.com/"})
    assert "url" in caught.value.errors
    spec = json.loads((KINDS_DIR / "website" / "ui-config.json").read_text())
    definition = make_definition(connector_id="WEBSITE", ui_spec=spec)
    for url in ("ftp://example.com/", "example.com"):
        with pytest.raises(InvalidInput) as caught:
            configs.prepare(definition, {"url": url})
        assert "url" in caught.value.errors


def test_check_names_a_url_that_cannot_be_read():
    with pytest.raises(SourceError, match="not a valid http"):
        scraper({"url": "url to be extracted", "extraction_type": "single"}).check()


def test_a_start_page_moved_within_the_site_moves_the_crawl_with_it(site):
    site.set("/old-docs/", Page(status=301, headers={"Location": "/docs/"}))
    source = scraper(scraper_config(site, path="/old-docs/"))
    assert paths(site, documents_of(read_all(source)[0])) == FULL_CRAWL
    assert any("moved to" in message for _, message in source.context.lines)


def test_a_start_page_redirecting_to_another_site_is_reported(site):
    other = site.origin.replace("127.0.0.1", "localhost")
    site.set("/away/", Page(status=302, headers={"Location": f"{other}/docs/"}))
    with pytest.raises(SourceError, match="redirects to another site"):
        read_all(scraper(scraper_config(site, path="/away/")))


def test_cancelling_stops_a_crawl_between_pages(site):
    from registry.sources.base import SyncCancelled

    source = implementation("web_scraper")(
        scraper_config(site), RecordingContext(batch_size=100, cancel_after=3)
    )
    with pytest.raises(SyncCancelled):
        read_all(source)
    assert len(site.paths()) < 15


def test_pages_left_out_are_told_in_the_log(site):
    source = scraper(scraper_config(site))
    read_all(source)
    lines = [message for _, message in source.context.lines]
    missing, gone = site.url("/docs/missing.html"), site.url("/docs/gone.html")
    assert f"Skipped {missing}: not found (HTTP 404)." in lines, lines
    assert f"Skipped {gone}: not found (HTTP 410)." in lines, lines
    hidden = site.url("/docs/hidden.html")
    assert any(
        line.startswith(f"Skipped {hidden}: the page asks not to be indexed") for line in lines
    )
    summary = next(line for line in lines if line.startswith("Read "))
    assert "skipped" in summary, summary
