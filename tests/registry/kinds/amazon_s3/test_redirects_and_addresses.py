"""The S3 reader's connections go to the address the egress guard checked (one lookup per host,
whatever the name answers later), and an endpoint's redirects are followed at most three times,
each target through the guard, then end in a clear error (never botocore's endless region
lookup)."""

import pytest

from registry.sources.base import SourceError
from tests.reading import documents, read_all
from tests.registry.sources.resolver import METADATA


def redirect_forever(s3_proxy, bucket):
    s3_proxy.fail_next(302, b"", headers={"Location": f"{s3_proxy.url}/{bucket}"}, times=50)


def test_an_endpoint_redirecting_forever_ends_in_a_clear_error(make_reader, bucket, s3_proxy):
    redirect_forever(s3_proxy, bucket)

    with pytest.raises(SourceError) as raised:
        make_reader().check()

    assert raised.value.type == "TooManyRedirects"
    assert raised.value.message == (
        f"The storage endpoint {s3_proxy.url} redirected the request more than 3 times; "
        "check the endpoint URL."
    )
    assert len(s3_proxy.seen) == 4  # the request and three redirects, no more


def test_a_redirect_without_a_location_fails_at_once(make_reader, bucket, s3_proxy):
    s3_proxy.fail_next(302, b"", times=50)

    with pytest.raises(SourceError) as raised:
        make_reader().check()

    assert raised.value.type == "UnexpectedRedirect"
    assert "answered HTTP 302 without saying where to" in raised.value.message
    assert len(s3_proxy.seen) == 1


def test_a_redirect_to_a_refused_address_is_not_followed(make_reader, bucket, s3_proxy):
    s3_proxy.fail_next(302, b"", headers={"Location": f"http://{METADATA}/{bucket}"})

    with pytest.raises(SourceError) as raised:
        make_reader().check()

    assert raised.value.type == "EgressRefused"
    assert len(s3_proxy.seen) == 1


def test_a_redirect_is_followed_to_its_checked_and_pinned_target(
    make_reader, bucket, s3_proxy, resolver
):
    resolver.rebind("moved.storage.test", "127.0.0.1")
    port = s3_proxy.server.server_port
    s3_proxy.fail_next(
        307, b"", headers={"Location": f"http://moved.storage.test:{port}/{bucket}"}, times=1
    )

    make_reader().check()

    heads = [(s.method, s.headers["Host"]) for s in s3_proxy.seen]
    assert heads == [
        ("HEAD", f"127.0.0.1:{port}"),
        ("HEAD", f"moved.storage.test:{port}"),  # signed again for its new host, and accepted
        ("HEAD", f"127.0.0.1:{port}"),  # the write pair
    ]
    assert resolver.lookups["moved.storage.test"] == 1


def test_the_reader_connects_only_to_the_address_it_checked(
    make_reader, s3, bucket, s3_proxy, resolver
):
    for name in ("a.txt", "b.txt"):
        s3.put_object(Bucket=bucket, Key=name, Body=f"The text of {name}.".encode())
    # The first lookup answers the real endpoint; every later one the metadata service.
    resolver.rebind("objects.pinned.test", "127.0.0.1")
    reader = make_reader(url=f"http://objects.pinned.test:{s3_proxy.server.server_port}")

    reader.check()
    batches, _ = read_all(reader)

    assert set(documents(batches)) == {"a.txt", "b.txt"}
    assert resolver.lookups["objects.pinned.test"] == 1
    assert {s.headers["Host"] for s in s3_proxy.seen} == {
        f"objects.pinned.test:{s3_proxy.server.server_port}"
    }
