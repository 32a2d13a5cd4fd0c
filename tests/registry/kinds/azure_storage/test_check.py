"""``check()`` proves both account keys reach the container, and says clearly what is wrong."""

import base64

import pytest

from registry.sources.base import SourceError

WRONG_KEY = base64.b64encode(b"w" * 64).decode()


def test_both_pairs_reach_the_container(make_reader, blob_proxy):
    make_reader().check()

    assert [s.method for s in blob_proxy.seen] == ["GET", "GET"]
    assert all(s.args.get("restype") == ["container"] for s in blob_proxy.seen)


def test_a_wrong_read_key_is_reported(make_reader):
    with pytest.raises(SourceError) as raised:
        make_reader(account_key_read=WRONG_KEY).check()

    assert raised.value.message.startswith("The read account name or key was refused")
    assert raised.value.type == "AuthenticationFailed"
    assert WRONG_KEY not in str(raised.value)


def test_a_wrong_write_key_is_reported(make_reader):
    with pytest.raises(SourceError) as raised:
        make_reader(account_key_write=WRONG_KEY).check()

    assert raised.value.message.startswith("The write account name or key was refused")


def test_a_missing_container_is_reported(make_reader):
    with pytest.raises(SourceError) as raised:
        make_reader(container_name="no-such-container").check()

    assert raised.value.message == (
        "The container no-such-container does not exist in the account devstoreaccount1."
    )


def test_a_key_that_is_not_base64_is_reported(make_reader):
    with pytest.raises(SourceError) as raised:
        make_reader(account_key_read="<account-key-read>").check()

    assert raised.value.message == (
        "The read account key is not a storage account access key (base64 text)."
    )
