"""Readiness: can this deployment do its work? Each check is cheap and bounded in time.

- ``database``: a ``SELECT 1`` on the default database.
- ``broker``: a connection to the Celery broker (Redis answers a PING; the file-system transport's
  folders must be writable).
- ``beat``: beat's last tick (``ops.beat``) is younger than ``CONNECTOR_HUB_BEAT_MAX_AGE``.

Failures name the exception class only (the endpoint is public); the full error is logged.
"""

import logging
import os
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from ops import heartbeats

logger = logging.getLogger(__name__)


@dataclass
class Check:
    ok: bool
    ms: float
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"ok": self.ok, "ms": round(self.ms, 1), **self.detail}


def _timed(name: str, probe) -> Check:
    started = time.perf_counter()
    try:
        ok, detail = probe()
    except Exception as error:
        logger.warning("Readiness check %s failed: %s", name, error)
        ok, detail = False, {"error": type(error).__name__}
    return Check(ok, (time.perf_counter() - started) * 1000, detail)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, {}


def _broker():
    from config.celery import app

    url = app.conf.broker_url or ""
    if url.startswith("filesystem://"):
        options = app.conf.broker_transport_options or {}
        folders = {options.get(key) for key in ("data_folder_in", "data_folder_out")}
        missing = [f for f in folders if not f or not os.access(f, os.W_OK)]
        return not missing, {"error": "broker folder not writable"} if missing else {}
    with app.connection_for_write(connect_timeout=settings.CONNECTOR_HUB_READY_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=0, timeout=settings.CONNECTOR_HUB_READY_TIMEOUT)
        conn.default_channel.close()  # Redis: opening a channel PINGs the server
    return True, {}


def _beat():
    age = heartbeats.age_seconds(heartbeats.BEAT)
    if age is None:
        return False, {"error": "beat has not ticked yet"}
    detail = {"last_tick_age_seconds": round(age, 1)}
    if age > settings.CONNECTOR_HUB_BEAT_MAX_AGE:
        detail["error"] = f"last tick older than {settings.CONNECTOR_HUB_BEAT_MAX_AGE} s"
        return False, detail
    return True, detail


def readiness() -> tuple[bool, dict]:
    checks = {"database": _timed("database", _database), "broker": _timed("broker", _broker)}
    if checks["database"].ok:
        checks["beat"] = _timed("beat", _beat)
    else:
        checks["beat"] = Check(False, 0, {"error": "database unreachable"})
    ready = all(check.ok for check in checks.values())
    return ready, {name: check.as_json() for name, check in checks.items()}
