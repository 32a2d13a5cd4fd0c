"""``check()`` fetches the roots with the service account's token, and config rules."""

import json

import pytest

from config.errors import InvalidInput
from registry.kinds.google_drive.source import GoogleDriveSource
from registry.kinds.impersonated_google_drive.source import ImpersonatedGoogleDriveSource
from registry.sources.base import SourceError
from tests.fakes.google_drive import new_key
from tests.registry.kinds.google_drive.conftest import ACCOUNT, ROOT


@pytest.fixture
def shared_root(google):
    google.add(ROOT, "Team", shared_with=[ACCOUNT, "ana@example.com"])


def test_the_root_is_reached(make_reader, google, shared_root):
    make_reader().check()

    assert [s.path for s in google.seen] == ["/token", f"/drive/v3/files/{ROOT}"]


def test_a_key_google_does_not_know_is_reported(make_reader, google, shared_root, key_file):
    forged = {**key_file, "private_key": new_key()[0]}

    with pytest.raises(SourceError) as raised:
        make_reader(key=forged).check()

    assert raised.value.message == (
        "Google refused the service account key (invalid_grant: Invalid JWT Signature.)."
    )
    assert raised.value.type == "AuthenticationFailed"


def test_a_root_not_shared_with_the_account_is_reported(make_reader, google):
    with pytest.raises(SourceError) as raised:
        make_reader().check()

    assert raised.value.message == (
        f"Google Drive has no file or folder {ROOT} that {ACCOUNT} can see; share it with that "
        "account."
    )


def test_impersonation_without_delegation_is_reported(make_reader, shared_root):
    with pytest.raises(SourceError) as raised:
        make_reader(impersonate=True, target_account="bob@example.com").check()

    assert raised.value.message.startswith(
        "Google refused to let the service account act as bob@example.com (unauthorized_client"
    )


def test_links_are_stored_as_ids_and_a_key_object_as_text(key_file):
    config = GoogleDriveSource.prepare_config(
        {
            "root_file_id": "https://docs.google.com/document/d/1DocHandbook0000000000001/edit",
            "root_item_ids": ["1AbcdefGhij", "https://drive.google.com/open?id=1KlmnopQrst"],
            "service_account_json": key_file,
        }
    )

    assert config["root_file_id"] == "1DocHandbook0000000000001"
    assert config["root_item_ids"] == ["1AbcdefGhij", "1KlmnopQrst"]
    assert json.loads(config["service_account_json"]) == key_file


def test_a_link_without_a_drive_id_is_refused_and_other_values_kept(key_file):
    with pytest.raises(InvalidInput) as raised:
        ImpersonatedGoogleDriveSource.prepare_config(
            {"root_file_id": "https://example.com/nothing", "root_item_ids": ["https://x.y/?"]}
        )
    kept = GoogleDriveSource.prepare_config({"root_file_id": "id or URL of a google drive file"})

    assert raised.value.errors == {
        "root_file_id": ["Must be a Drive file or folder id, or its link."],
        "root_item_ids.0": ["Must be a Drive file or folder id, or its link."],
    }
    assert kept["root_file_id"] == "id or URL of a google drive file"


def test_a_key_that_is_not_a_service_account_key_is_reported(google):
    reader = GoogleDriveSource(
        {"root_file_id": ROOT, "service_account_json": '{"type": "authorized_user"}'}
    )

    with pytest.raises(SourceError) as raised:
        reader.check()

    assert raised.value.message == (
        "The service account key is not the JSON key file of a service account (type, "
        "client_email, private_key, token_uri)."
    )
    assert "authorized_user" not in raised.value.message
    assert google.seen == []
