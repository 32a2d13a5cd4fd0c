"""The S3 reader against moto's S3 server (IAM checks on) behind a throttling proxy."""

import json
import time

import pytest

from registry.sources.base import SourceError
from tests.reading import documents, read_all, read_resuming


def put(s3, bucket, key, body, content_type="text/plain"):
    s3.put_object(Bucket=bucket, Key=key, Body=body.encode(), ContentType=content_type)


@pytest.fixture
def filled(s3, bucket):
    put(s3, bucket, "notes/a.txt", "Alpha notes about the harbour.")
    put(s3, bucket, "notes/b.md", "# Bravo\n\nMarkdown body.", "text/markdown")
    put(s3, bucket, "notes/c.json", json.dumps({"name": "Charlie"}), "application/json")
    put(s3, bucket, "notes/d.csv", "city,count\nOslo,3\n", "text/csv")
    put(s3, bucket, "notes/photo.png", "\x89PNG not text", "image/png")
    put(s3, bucket, "other/e.txt", "Echo outside the prefix.")
    return bucket


def test_every_page_is_read_and_text_extracted(make_reader, filled):
    batches, cursor = read_all(make_reader(batch_size=2))

    docs = documents(batches)
    assert set(docs) == {"notes/a.txt", "notes/b.md", "notes/c.json", "notes/d.csv", "other/e.txt"}
    assert len(batches) == 3  # six objects, two per listing page
    assert docs["notes/a.txt"].content == "Alpha notes about the harbour."
    assert '"name": "Charlie"' in docs["notes/c.json"].content
    assert docs["notes/d.csv"].content == "city\tcount\nOslo\t3"
    assert docs["notes/a.txt"].metadata["etag"]
    assert docs["notes/a.txt"].source_updated_at is not None
    assert cursor.keys() == {"since"}


def test_prefix_limits_the_listing(make_reader, filled):
    batches, _ = read_all(make_reader(batch_size=10, prefix="/notes/"))

    assert set(documents(batches)) == {"notes/a.txt", "notes/b.md", "notes/c.json", "notes/d.csv"}


def test_a_read_resumes_after_each_saved_batch(make_reader, filled):
    batches, cursor = read_resuming(lambda: make_reader(batch_size=2))

    assert len(batches) == 3
    assert all(b.cursor.get("marker") for b in batches[:-1])
    assert len(documents(batches)) == 5
    assert "marker" not in cursor


def test_incremental_read_fetches_only_changed_objects(make_reader, filled, s3):
    _, cursor = read_all(make_reader())
    time.sleep(1.1)  # S3 modification times have a resolution of a second
    put(s3, filled, "notes/a.txt", "Alpha, rewritten.")
    put(s3, filled, "notes/new.txt", "A new object.")

    batches, next_cursor = read_all(make_reader(), cursor)

    docs = documents(batches)
    assert set(docs) == {"notes/a.txt", "notes/new.txt"}
    assert docs["notes/a.txt"].content == "Alpha, rewritten."
    assert next_cursor["since"] > cursor["since"]
    again, _ = read_all(make_reader(), next_cursor)
    assert documents(again) == {}


def test_a_full_read_no_longer_lists_a_deleted_object(make_reader, filled, s3):
    first, _ = read_all(make_reader())
    s3.delete_object(Bucket=filled, Key="notes/b.md")

    second, _ = read_all(make_reader())

    assert "notes/b.md" in documents(first)
    assert set(documents(first)) - set(documents(second)) == {"notes/b.md"}


def test_a_throttled_request_is_retried_after_the_wait(make_reader, filled, s3_proxy):
    s3_proxy.fail_next_xml(503, "SlowDown", "Please reduce your request rate.", retry_after=3)
    reader = make_reader(batch_size=10)

    batches, _ = read_all(reader)

    assert len(documents(batches)) == 5
    assert reader.context.sleeps == [3.0]
    assert any("limiting the request rate" in m for _, m in reader.context.lines)


def test_persistent_throttling_ends_in_a_retryable_error(make_reader, filled, s3_proxy):
    s3_proxy.fail_next_xml(503, "SlowDown", "Please reduce your request rate.", times=10)
    reader = make_reader(batch_size=10)

    with pytest.raises(SourceError) as raised:
        read_all(reader)

    assert raised.value.retryable is True
    assert raised.value.retry_after > 0
    assert len(reader.context.sleeps) == 3


def test_every_request_passes_the_egress_guard_not_only_the_first(make_reader, filled, settings):
    reader = make_reader()
    reader.check()  # the client is made while private networks are allowed
    settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = False

    with pytest.raises(SourceError) as raised:
        read_all(reader)

    assert raised.value.type == "EgressRefused"
