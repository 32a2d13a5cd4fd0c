"""Secrets are encrypted at rest, never in clear in the database, and keys rotate."""

import sqlite3
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.db import connection

from config import crypto
from connectors import credentials
from connectors.models import Credential
from registry.schema.secrets import MASK
from tests.conftest import SECRET_PASSWORD
from tests.leaks import read_file_elsewhere
from webhooks.models import WebhookSubscription
from webhooks.services import signing_secret as webhook_signing_secret
from webhooks.services import webhook_create

pytestmark = pytest.mark.database


def test_encryption_round_trip():
    token = crypto.encrypt_json({"password": "x", "nested": {"n": 1}})
    assert "password" not in token
    assert crypto.decrypt_json(token) == {"password": "x", "nested": {"n": 1}}


def test_secret_section_is_stored_encrypted_and_read_masked(make_connector):
    connector = make_connector()
    assert "connector_config" not in connector.config  # the whole section is encrypted
    assert connector.config["operations_config"] == {"batch_size": 100}  # defaults applied
    token = Credential.objects.get(connector=connector).token
    assert SECRET_PASSWORD not in token
    masked = credentials.masked_config(connector)
    assert masked["connector_config"]["password"] == MASK
    assert masked["connector_config"]["host"] == "db.example.com"
    assert credentials.full_config(connector)["connector_config"]["password"] == SECRET_PASSWORD


def test_mask_sent_back_keeps_the_stored_secret(make_connector, owner):
    from connectors import services

    connector = make_connector()
    masked = credentials.masked_config(connector)
    masked["connector_config"]["port"] = 6543
    services.connector_update(actor=owner, connector=connector, config=masked)
    connector.refresh_from_db()
    full = credentials.full_config(connector)
    assert full["connector_config"]["password"] == SECRET_PASSWORD
    assert full["connector_config"]["port"] == 6543


def _all_rows_as_text() -> str:
    chunks = []
    for model in apps.get_models():
        chunks.append(serializers.serialize("json", model._base_manager.all()))
    return "\n".join(chunks)


@pytest.mark.django_db(transaction=True)
def test_secret_plaintext_is_nowhere_in_the_database(make_connector):
    make_connector()
    assert SECRET_PASSWORD not in _all_rows_as_text()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(connection.settings_dict["NAME"])
        for file in [path, *path.parent.glob(path.name + "-*")]:
            assert SECRET_PASSWORD.encode() not in read_file_elsewhere(file), file


def test_rotation_reencrypts_every_secret_with_the_newest_key(
    make_connector, settings, workspace, owner, capsys
):
    make_connector(name="one")
    make_connector(name="two")
    _, signing_secret = webhook_create(
        actor=owner, workspace=workspace, url="http://127.0.0.1:9/hook", events=["sync.failed"]
    )
    old_key = settings.CONNECTOR_HUB_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.CONNECTOR_HUB_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_encryption_key")
    assert "2 credential(s) and 1 webhook signing secret(s)" in capsys.readouterr().out
    new_only = Fernet(new_key.encode())
    for credential in Credential.objects.all():
        assert b"password" in new_only.decrypt(credential.token.encode())
    settings.CONNECTOR_HUB_ENCRYPTION_KEYS = [new_key]
    assert webhook_signing_secret(WebhookSubscription.objects.get()) == signing_secret
    for credential in Credential.objects.select_related("connector"):
        assert (
            credentials.full_config(credential.connector)["connector_config"]["password"]
            == SECRET_PASSWORD
        )


def test_unknown_key_is_a_clear_error(make_connector, settings):
    connector = make_connector()
    settings.CONNECTOR_HUB_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionFailed):
        credentials.full_config(connector)


def test_no_plaintext_in_sqlite_file_helper_sees_real_values(tmp_path):
    # Guards the proof above: the same scan does find a value stored in clear.
    path = tmp_path / "probe.sqlite3"
    db = sqlite3.connect(path)
    db.execute("create table t (v text)")
    db.execute("insert into t values (?)", (SECRET_PASSWORD,))
    db.commit()
    db.close()
    assert SECRET_PASSWORD.encode() in path.read_bytes()


def test_rotation_walks_every_row_batch_by_batch(make_connector, settings):
    for name in ("one", "two", "three"):
        make_connector(name=name)
    old_key = settings.CONNECTOR_HUB_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.CONNECTOR_HUB_ENCRYPTION_KEYS = [new_key, old_key]
    assert crypto.rotate_column(Credential.objects.all(), "token", batch_size=2) == 3
    new_only = Fernet(new_key.encode())
    for credential in Credential.objects.all():
        new_only.decrypt(credential.token.encode())  # raises unless re-encrypted
