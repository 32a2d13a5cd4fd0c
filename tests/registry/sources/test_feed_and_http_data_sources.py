"""RSS/Atom feeds (``RSS``) and JSON endpoints (``HttpData``) read from a real local server."""

import json
from datetime import UTC, datetime

import pytest

from config.errors import InvalidInput
from connectors.schedules import from_config
from registry.sources.base import SourceError
from registry.sources.installed import implementation
from tests.reading import RecordingContext, documents_of, read_all
from tests.servers.website import Page, json_page, rss_feed


def feed(config, batch_size=100):
    return implementation("RSS")(config, RecordingContext(batch_size=batch_size))


def test_rss_entries_become_documents(site):
    source = feed({"url": site.url("/feed.xml"), "runMode": "SCAN_ONCE"})
    source.check()
    documents = documents_of(read_all(source)[0])
    assert [d.external_id for d in documents] == [site.url(f"/posts/{n}") for n in (1, 2, 3)]
    first = documents[0]
    assert first.title == "Entry 1"
    assert first.url == site.url("/posts/1.html")
    assert first.content == "Summary of entry 1."
    assert first.source_updated_at == datetime(2024, 1, 1, 10, tzinfo=UTC)
    assert first.metadata["feed"] == "Test feed"


def test_atom_content_is_read_as_text(site):
    documents = documents_of(read_all(feed({"url": site.url("/atom.xml")}))[0])
    assert len(documents) == 1
    assert documents[0].external_id == "urn:uuid:1"
    assert documents[0].content == "Full content of the entry."


def test_continuous_polling_asks_only_for_changes(site):
    config = {"url": site.url("/feed.xml"), "runMode": "CONTINUOUS"}
    _, cursor = read_all(feed(config))
    batches, cursor = read_all(feed(config), cursor)
    assert batches == []  # 304: nothing new
    assert site.requested("/feed.xml")[-1]["If-None-Match"]

    site.set("/feed.xml", Page(rss_feed(site.origin, 4), content_type="application/rss+xml"))
    documents = documents_of(read_all(feed(config), cursor)[0])
    assert site.url("/posts/4") in {d.external_id for d in documents}
    # Incremental: entries that leave the feed are not pruned.
    assert implementation("RSS").incremental


def test_run_mode_is_normalised_and_maps_to_the_schedule():
    source_class = implementation("RSS")
    config = source_class.prepare_config(
        {"url": "https://example.com/feed", "runMode": "continuous"}
    )
    assert config["runMode"] == "CONTINUOUS"
    assert from_config(config).cron == "0 * * * *"
    assert from_config({"runMode": "SCAN_ONCE"}).type == "once"


def test_hostile_and_wrong_feeds_are_refused(site):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss version="2.0"><channel>'
        b"<title>&b;</title></channel></rss>"
    )
    site.set("/bomb.xml", Page(bomb, content_type="application/rss+xml"))
    with pytest.raises(SourceError, match="declares entities"):
        read_all(feed({"url": site.url("/bomb.xml")}))
    with pytest.raises(SourceError, match="does not serve an RSS or Atom feed"):
        feed({"url": site.url("/api/items")}).check()
    with pytest.raises(SourceError, match="answered 404"):
        feed({"url": site.url("/no-feed.xml")}).check()


def http_data(config, batch_size=100):
    return implementation("HttpData")(config, RecordingContext(batch_size=batch_size))


def test_http_data_follows_a_next_link_field(site):
    config = {
        "url": site.url("/api/items"),
        "records_path": "data.items",
        "id_field": "id",
        "title_field": "name",
        "next_link_field": "links.next",
    }
    source = http_data(config)
    source.check()
    batches, cursor = read_all(source)
    documents = documents_of(batches)
    assert [d.external_id for d in documents] == [str(n) for n in range(1, 8)]
    assert documents[0].title == "Record 1"
    assert json.loads(documents[6].content) == {
        "id": 7,
        "name": "Record 7",
        "attributes": {"size": 70},
    }
    assert cursor == {"next": None}
    assert [b.cursor.get("next") for b in batches[:2]] == [
        site.url("/api/items/2"),
        site.url("/api/items/3"),
    ]


def test_http_data_resumes_after_a_page_and_follows_link_headers(site):
    config = {"url": site.url("/api/linked"), "id_field": "id"}
    batches, _ = read_all(http_data(config, batch_size=2))
    assert [[d.external_id for d in b.documents] for b in batches] == [
        ["1", "2"],
        ["3", "4"],
        ["5", "6"],
        ["7"],
    ]
    # Within a page, a resume reads that page again; after its last chunk, the next page.
    assert batches[0].cursor == {"next": site.url("/api/linked"), "page": 0}
    assert batches[1].cursor == {"next": site.url("/api/linked/2"), "page": 1}
    rest, _ = read_all(http_data(config, batch_size=2), batches[1].cursor)
    assert [d.external_id for d in documents_of(rest)] == ["5", "6", "7"]


def test_http_data_sends_its_secret_header_only_to_its_own_origin(site):
    other_origin = site.origin.replace("127.0.0.1", "localhost")
    site.set(
        "/api/private",
        Page(
            json.dumps({"items": [{"key": "a"}], "next": f"{other_origin}/api/public"}).encode(),
            content_type="application/json",
            requires=("X-Token", "s3cret-value"),
        ),
    )
    site.set("/api/public", json_page({"items": [{"key": "b"}]}))
    config = {
        "url": site.url("/api/private"),
        "auth_header": "s3cret-value",
        "auth_header_name": "X-Token",
        "records_path": "items",
        "id_field": "key",
        "next_link_field": "next",
    }
    documents = documents_of(read_all(http_data(config))[0])
    assert [d.external_id for d in documents] == ["a", "b"]
    assert "X-Token" not in site.requested("/api/public")[0]

    config["auth_header"] = "wrong"
    with pytest.raises(SourceError, match="HTTP 401") as caught:
        http_data(config).check()
    assert "wrong" not in caught.value.message


def test_http_data_check_names_a_wrong_records_path_or_id_field(site):
    config = {"url": site.url("/api/items"), "records_path": "data.rows", "id_field": "id"}
    with pytest.raises(SourceError, match="no list of records at 'data.rows'"):
        http_data(config).check()
    config = {"url": site.url("/api/items"), "records_path": "data.items", "id_field": "uid"}
    with pytest.raises(SourceError, match="no 'uid' field"):
        http_data(config).check()
    with pytest.raises(SourceError, match="did not answer JSON"):
        http_data({"url": site.url("/docs/"), "id_field": "id"}).check()


def test_a_throttled_feed_is_retried_in_place_or_left_to_the_sync(site):
    site.set("/busy.xml", Page(b"busy", status=429, headers={"Retry-After": "3"}))
    source = feed({"url": site.url("/busy.xml")})
    with pytest.raises(SourceError) as caught:
        read_all(source)
    assert source.context.sleeps == [3.0, 3.0]  # the web's two retries, as the server asked
    assert caught.value.retryable and caught.value.retry_after == 3

    site.set("/later.xml", Page(b"later", status=503, headers={"Retry-After": "120"}))
    source = feed({"url": site.url("/later.xml")})
    with pytest.raises(SourceError) as caught:
        read_all(source)
    assert source.context.sleeps == []  # too long to wait in place: the sync retries later
    assert caught.value.retry_after == 120
    assert len(site.requested("/later.xml")) == 1


def test_http_data_server_errors_are_retryable(site):
    site.set("/api/broken", Page(b"broken", status=500))
    with pytest.raises(SourceError) as caught:
        read_all(http_data({"url": site.url("/api/broken"), "id_field": "id"}))
    assert caught.value.retryable
    assert len(site.requested("/api/broken")) == 1  # the sync's retry, not one in place


def test_http_data_throttled_requests_are_retried_in_place(site):
    site.set("/api/busy", Page(b"busy", status=503, headers={"Retry-After": "7"}))
    source = http_data({"url": site.url("/api/busy"), "id_field": "id"})
    with pytest.raises(SourceError) as caught:
        read_all(source)
    assert caught.value.retryable and caught.value.retry_after == 7
    assert source.context.sleeps == [7.0, 7.0, 7.0]
    assert len(site.requested("/api/busy")) == 4


def test_http_data_config_rules():
    source_class = implementation("HttpData")
    with pytest.raises(InvalidInput) as caught:
        source_class.prepare_config({"url": "https://api.example.com/", "id_field": " "})
    assert "id_field" in caught.value.errors
