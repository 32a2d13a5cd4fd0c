"""``check()`` proves both credential pairs reach the bucket, and says clearly what is wrong."""

import pytest

from config.errors import InvalidInput
from registry.kinds.amazon_s3.source import AmazonS3Source
from registry.sources.base import SourceError


def test_both_pairs_reach_the_bucket(make_reader, s3_proxy):
    make_reader().check()

    heads = [s for s in s3_proxy.seen if s.method == "HEAD"]
    assert len(heads) == 2
    assert {s.headers["Authorization"].split("Credential=")[1][:20] for s in heads} == {
        make_reader().config["username_read"],
        make_reader().config["username_write"],
    }
    assert all(s.method in ("HEAD", "GET") for s in s3_proxy.seen)


def test_a_wrong_secret_key_is_reported(make_reader):
    with pytest.raises(SourceError) as raised:
        make_reader(password_read="not-the-secret").check()

    assert raised.value.message == ("The read secret access key does not match its access key id.")
    assert "not-the-secret" not in str(raised.value)


def test_an_unknown_write_key_is_reported(make_reader):
    with pytest.raises(SourceError) as raised:
        make_reader(username_write="AKIAUNKNOWN000000000").check()

    assert raised.value.message == "The write access key id is not known to the storage service."
    assert raised.value.retryable is False


def test_a_missing_bucket_is_reported(make_reader):
    with pytest.raises(SourceError) as raised:
        make_reader(bucket_name="no-such-bucket-here").check()

    assert "The bucket no-such-bucket-here does not exist" in raised.value.message


def test_half_a_write_pair_is_refused():
    with pytest.raises(InvalidInput) as raised:
        AmazonS3Source.prepare_config(
            {
                "bucket_name": "b-1",
                "username_read": "a",
                "password_read": "b",
                "username_write": "c",
            }
        )

    assert raised.value.errors == {"password_write": ["Give both write credentials, or neither."]}


def test_a_private_endpoint_is_refused_when_private_networks_are_off(make_reader, settings):
    settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = False

    with pytest.raises(SourceError) as raised:
        make_reader().check()

    assert raised.value.type == "EgressRefused"
