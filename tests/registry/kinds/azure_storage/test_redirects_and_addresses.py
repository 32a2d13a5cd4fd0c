"""The Azure Blob reader's connections go to the address the egress guard checked (one lookup
per host, whatever the name answers later), and redirects are followed at most three times, each
target through the guard, then end in a clear error."""

import pytest

from registry.sources.base import SourceError
from tests.reading import documents, read_all
from tests.registry.sources.resolver import METADATA
from tests.servers.azurite import ACCOUNT


def test_an_endpoint_redirecting_forever_ends_in_a_clear_error(make_reader, container, blob_proxy):
    target = f"{blob_proxy.url}/{ACCOUNT}/{container.container_name}?restype=container"
    blob_proxy.fail_next(302, b"", headers={"Location": target}, times=50)

    with pytest.raises(SourceError) as raised:
        make_reader().check()

    assert raised.value.type == "TooManyRedirects"
    assert raised.value.message == (
        f"The storage endpoint {blob_proxy.url}/{ACCOUNT} redirected the request more than "
        "3 times; check the endpoint URL."
    )
    assert len(blob_proxy.seen) == 4  # the request and three redirects, no more


def test_a_redirect_to_a_refused_address_is_not_followed(make_reader, container, blob_proxy):
    target = f"http://{METADATA}/{ACCOUNT}/{container.container_name}?restype=container"
    blob_proxy.fail_next(302, b"", headers={"Location": target})

    with pytest.raises(SourceError) as raised:
        make_reader().check()

    assert raised.value.type == "EgressRefused"
    assert len(blob_proxy.seen) == 1


def test_a_redirect_on_the_endpoint_is_followed(make_reader, container, blob_proxy):
    target = f"{blob_proxy.url}/{ACCOUNT}/{container.container_name}?restype=container&moved=1"
    blob_proxy.fail_next(307, b"", headers={"Location": target}, times=1)

    make_reader().check()

    assert [s.args.get("moved") for s in blob_proxy.seen] == [None, ["1"], None]


def test_a_redirect_to_another_host_is_checked_pinned_and_sent_without_credentials(
    make_reader, container, blob_proxy, resolver
):
    resolver.rebind("moved.blob.test", "127.0.0.1")
    port = blob_proxy.server.server_port
    target = f"http://moved.blob.test:{port}/{ACCOUNT}/{container.container_name}?restype=container"
    blob_proxy.fail_next(307, b"", headers={"Location": target}, times=1)

    with pytest.raises(SourceError) as raised:
        make_reader().check()

    assert raised.value.type == "AuthenticationFailed"
    first, moved = blob_proxy.seen
    assert first.headers["Host"] == f"127.0.0.1:{port}" and "Authorization" in first.headers
    assert moved.headers["Host"] == f"moved.blob.test:{port}"
    assert "Authorization" not in moved.headers  # azure-core keeps the key's signature home
    assert resolver.lookups["moved.blob.test"] == 1


def test_the_reader_connects_only_to_the_address_it_checked(
    make_reader, container, blob_proxy, resolver
):
    for name in ("a.txt", "b.txt"):
        container.upload_blob(name, f"The text of {name}.".encode())
    # The first lookup answers the real endpoint; every later one the metadata service.
    resolver.rebind("blobs.pinned.test", "127.0.0.1")
    port = blob_proxy.server.server_port
    reader = make_reader(url=f"http://blobs.pinned.test:{port}/{ACCOUNT}")

    reader.check()
    batches, _ = read_all(reader)

    assert set(documents(batches)) == {"a.txt", "b.txt"}
    assert resolver.lookups["blobs.pinned.test"] == 1
    assert {s.headers["Host"] for s in blob_proxy.seen} == {f"blobs.pinned.test:{port}"}
