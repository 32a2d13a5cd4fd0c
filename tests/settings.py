"""Test settings: the project's settings, with fixed keys and a var folder per test process.

Every subprocess a test starts (workers, beat, servers) gets the same environment through
``tests.servers.celery_worker.service_env``.
"""

import os
from pathlib import Path

_root = Path(__file__).resolve().parent.parent
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER")
if _xdist_worker:
    # Each xdist worker its own folder (broker, media, SQLite files): the controller's own folder
    # is in the environment the workers inherit, so it is replaced, not defaulted.
    os.environ["CONNECTOR_HUB_VAR_DIR"] = str(_root / "var" / "test" / _xdist_worker)
else:
    os.environ.setdefault("CONNECTOR_HUB_VAR_DIR", str(_root / "var" / "test" / "main"))
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault(
    "CONNECTOR_HUB_ENCRYPTION_KEYS", "uxxKpFjEalLh0qdYii8kmDQdHe7yuKen9_Jfa9SVuZQ="
)
os.environ.setdefault("CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS", "true")
# A developer's own .env file must not change the tests.
os.environ.setdefault("CONNECTOR_HUB_ENV_FILE", os.devnull)
# Rate limits are off in tests (tests/security turns them on where they are the subject).
os.environ.setdefault("CONNECTOR_HUB_THROTTLE_ENABLED", "false")
# A task run hands on exactly at max_batches (tests of hand-ons use a few small batches);
# a test in tests/syncs/test_engine_documents.py sets the least task time itself.
os.environ.setdefault("CONNECTOR_HUB_SYNC_TASK_SECONDS", "0")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
