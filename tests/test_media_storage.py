"""``CONNECTOR_HUB_MEDIA_URL``: the local folder by default, an S3 bucket when set; with a bucket
the processes share nothing on disk, so the keys a local run generates must come from the
environment."""

import os

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.media import media_storage
from tests.servers.manage import run_manage

BUCKET_URL = "s3://hub-media/uploads/prod?endpoint_url=http://minio:9000&region=eu-west-1"


def test_without_a_url_media_stays_in_the_local_folder():
    assert media_storage("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_url_selects_the_s3_backend_with_its_options():
    storage = media_storage(
        BUCKET_URL + "&addressing_style=path", access_key_id="id", secret_access_key="secret"
    )

    assert storage == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "hub-media",
            "location": "uploads/prod",
            "file_overwrite": False,
            "default_acl": None,
            "endpoint_url": "http://minio:9000",
            "region_name": "eu-west-1",
            "addressing_style": "path",
            "access_key": "id",
            "secret_key": "secret",
        },
    }
    # Without keys of its own, boto3's credential chain (AWS_* variables, instance roles) is used.
    assert "access_key" not in media_storage("s3://hub-media")["OPTIONS"]


@pytest.mark.parametrize(
    ("url", "keys", "message"),
    [
        ("https://hub-media/", {}, "must look like s3://BUCKET"),
        ("s3:///no-bucket", {}, "must look like s3://BUCKET"),
        ("s3://hub-media?endpoint=http://x", {}, "unknown option 'endpoint'"),
        ("s3://hub-media?addressing_style=sideways", {}, "addressing_style is path"),
        ("s3://hub-media", {"access_key_id": "id"}, "Set both"),
    ],
)
def test_a_wrong_url_or_half_a_key_pair_is_refused_clearly(url, keys, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        media_storage(url, **keys)


def test_with_a_bucket_the_keys_and_services_must_come_from_the_environment(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in ("SECRET_KEY", "CONNECTOR_HUB_ENCRYPTION_KEYS", "DATABASE_URL", "CELERY_BROKER_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CONNECTOR_HUB_VAR_DIR=str(tmp_path / "var"),
        CONNECTOR_HUB_MEDIA_URL="s3://hub-media",
        CELERY_BROKER_URL="filesystem://",
    )

    result = run_manage(env, "check")

    assert result.returncode != 0
    assert (
        "With CONNECTOR_HUB_MEDIA_URL set, processes share nothing on disk; these must come from "
        "the environment: SECRET_KEY, CONNECTOR_HUB_ENCRYPTION_KEYS, DATABASE_URL, "
        "CELERY_BROKER_URL (a shared broker, not filesystem://)"
    ) in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()
