"""The Azure Blob Storage reader against Azurite behind a throttling proxy."""

import time

import pytest
from azure.storage.blob import ContentSettings

from registry.sources.base import SourceError
from tests.reading import documents, read_all, read_resuming


def put(container, name, body, content_type="text/plain"):
    container.upload_blob(
        name,
        body.encode(),
        overwrite=True,
        content_settings=ContentSettings(content_type=content_type),
    )


@pytest.fixture
def filled(container):
    put(container, "contracts/a.txt", "Alpha contract terms.")
    put(
        container,
        "contracts/b.html",
        "<html><body><p>Bravo <b>clause</b> text.</p></body></html>",
        "text/html",
    )
    put(container, "contracts/readme", "No extension, plain text by type.")
    put(container, "contracts/scan.bin", "binary", "application/octet-stream")
    put(container, "archive/c.md", "# Charlie\n\nArchived.", "text/markdown")
    return container


def test_every_page_is_read_and_text_extracted(make_reader, filled):
    batches, cursor = read_all(make_reader(batch_size=2))

    docs = documents(batches)
    assert set(docs) == {"contracts/a.txt", "contracts/b.html", "contracts/readme", "archive/c.md"}
    assert len(batches) == 3
    assert docs["contracts/b.html"].content == "Bravo **clause** text."  # Markdown keeps emphasis
    assert docs["contracts/readme"].content == "No extension, plain text by type."
    assert docs["archive/c.md"].mime_type == "text/markdown"
    assert cursor.keys() == {"since"}


def test_prefix_limits_the_listing(make_reader, filled):
    batches, _ = read_all(make_reader(batch_size=10, prefix="contracts/"))

    assert set(documents(batches)) == {"contracts/a.txt", "contracts/b.html", "contracts/readme"}


def test_a_read_resumes_after_each_saved_batch(make_reader, filled):
    batches, cursor = read_resuming(lambda: make_reader(batch_size=2))

    assert len(batches) == 3
    assert all(b.cursor.get("marker") for b in batches[:-1])
    assert len(documents(batches)) == 4
    assert "marker" not in cursor


def test_incremental_read_fetches_only_changed_blobs(make_reader, filled):
    _, cursor = read_all(make_reader())
    time.sleep(1.1)  # blob modification times have a resolution of a second
    put(filled, "contracts/a.txt", "Alpha contract, amended.")
    put(filled, "contracts/new.txt", "A new contract.")

    batches, next_cursor = read_all(make_reader(), cursor)

    docs = documents(batches)
    assert set(docs) == {"contracts/a.txt", "contracts/new.txt"}
    assert docs["contracts/a.txt"].content == "Alpha contract, amended."
    again, _ = read_all(make_reader(), next_cursor)
    assert documents(again) == {}


def test_a_full_read_no_longer_lists_a_deleted_blob(make_reader, filled):
    first, _ = read_all(make_reader())
    filled.delete_blob("contracts/a.txt")

    second, _ = read_all(make_reader())

    assert set(documents(first)) - set(documents(second)) == {"contracts/a.txt"}


def test_a_throttled_request_is_retried_after_retry_after(make_reader, filled, blob_proxy):
    blob_proxy.fail_next_xml(
        503, "ServerBusy", "The server is currently unable to receive requests.", retry_after=4
    )
    reader = make_reader(batch_size=10)

    batches, _ = read_all(reader)

    assert len(documents(batches)) == 4
    assert reader.context.sleeps == [4.0]


def test_persistent_throttling_ends_in_a_retryable_error(make_reader, filled, blob_proxy):
    blob_proxy.fail_next_xml(503, "ServerBusy", "Busy.", retry_after=1, times=10)

    with pytest.raises(SourceError) as raised:
        read_all(make_reader())

    assert raised.value.retryable is True
    assert raised.value.retry_after == 1.0


def test_a_redirect_to_a_refused_address_is_not_followed(make_reader, filled, blob_proxy):
    reader = make_reader()
    reader.check()
    blob_proxy.fail_next(302, b"", headers={"Location": "http://169.254.169.254/latest/"})

    with pytest.raises(SourceError) as raised:
        read_all(reader)

    assert raised.value.type == "EgressRefused"
