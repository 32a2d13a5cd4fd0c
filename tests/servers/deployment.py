"""A deployment whose processes share nothing on disk: each process (web, every worker, beat,
each management command) gets a var folder of its own, and they meet only in PostgreSQL, Redis
and an S3 bucket (moto) for media, with the keys from the environment, as on several machines.
A new assumption that two processes see the same local files fails the tests that use it."""

import itertools
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

from tests.servers.moto_s3 import REGION

_buckets = itertools.count(1)


class Deployment:
    def __init__(self, root: Path, *, database_url: str, broker_url: str, moto, **settings):
        self.root = root
        self.moto = moto
        self.bucket = f"hub-media-{os.getpid()}-{next(_buckets)}"
        moto.client().create_bucket(Bucket=self.bucket)
        self._names = itertools.count(1)
        self.var_dirs: list[Path] = []
        self.base_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "CONNECTOR_HUB_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "CONNECTOR_HUB_MEDIA_URL": (
                f"s3://{self.bucket}/media?endpoint_url={moto.url}&region={REGION}"
                "&addressing_style=path"
            ),
            "CONNECTOR_HUB_MEDIA_ACCESS_KEY_ID": moto.writer.access_key_id,
            "CONNECTOR_HUB_MEDIA_SECRET_ACCESS_KEY": moto.writer.secret_access_key,
            "PYTHONUNBUFFERED": "1",
            **settings,
        }
        for name in ("CONNECTOR_HUB_MEDIA_ROOT", "CONNECTOR_HUB_TEST_DATABASE"):
            self.base_env.pop(name, None)

    def env(self, process: str) -> dict:
        """The environment of one more process, with a var folder nobody else uses."""
        var_dir = self.root / f"var-{process}-{next(self._names)}"
        self.var_dirs.append(var_dir)
        return {**self.base_env, "CONNECTOR_HUB_VAR_DIR": str(var_dir)}

    def media_keys(self) -> list[str]:
        listing = self.moto.client().list_objects_v2(Bucket=self.bucket)
        return [entry["Key"] for entry in listing.get("Contents", [])]

    def local_files(self) -> list[Path]:
        """Every file any process left in its var folder, static files aside."""
        return [
            path
            for var_dir in self.var_dirs
            if var_dir.exists()
            for path in var_dir.rglob("*")
            if path.is_file() and "static" not in path.relative_to(var_dir).parts
        ]
