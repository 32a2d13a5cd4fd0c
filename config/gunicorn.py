"""Gunicorn settings for the web process: ``gunicorn -c config/gunicorn.py config.wsgi``.

Sized from the environment (gunicorn's own ``GUNICORN_CMD_ARGS`` still works on top):

| variable | default | |
|---|---|---|
| ``PORT`` / ``GUNICORN_BIND`` | ``8000`` / ``0.0.0.0:$PORT`` | where to listen |
| ``WEB_CONCURRENCY`` | 2 x cores + 1 | worker processes |
| ``GUNICORN_THREADS`` | ``4`` | threads per worker (``gthread`` workers; 1 = ``sync`` workers) |
| ``GUNICORN_WORKER_CONNECTIONS`` | ``1000`` | connections a ``gthread`` worker holds at once (keep-alive ones included); more wait for another worker |
| ``GUNICORN_TIMEOUT`` | ``30`` | seconds a request may take before its worker is restarted |
| ``GUNICORN_MAX_REQUESTS`` | ``2000`` | requests before a worker is replaced (0 = never) |
| ``GUNICORN_ACCESS_LOG`` | ``-`` (stdout) | ``off`` disables the access log |
| ``FORWARDED_ALLOW_IPS`` | ``127.0.0.1`` | proxies trusted for X-Forwarded-* (gunicorn's own setting) |

Metrics: every worker records request latencies into ``PROMETHEUS_MULTIPROC_DIR`` (a fresh folder
per server start unless set), so ``/metrics`` answered by any worker covers them all.
"""

import os
import shutil
import tempfile

from ops.logs import logging_config


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", (os.cpu_count() or 1) * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
# A gthread worker accepts every connection it is offered, so a few keep-alive clients can all
# land on one worker while the others idle; a cap spreads them (gunicorn's default is 1000).
worker_connections = _int("GUNICORN_WORKER_CONNECTIONS", 1000)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
_access_log = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access_log.lower() in ("", "off", "none") else _access_log
# A worker's heartbeat file: in memory where there is /dev/shm (containers' /tmp may be a disk).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No control socket: it would be written under $HOME, which the image's user cannot write.
control_socket_disable = True
# Request bodies are limited by Django (CONNECTOR_HUB_MAX_BODY_BYTES); these bound the headers.
limit_request_line = 8190
limit_request_fields = 100

# The same log format as Django's (JSON lines in production), for gunicorn's own and access logs.
_log_format = os.environ.get("CONNECTOR_HUB_LOG_FORMAT") or (
    "json"
    if os.environ.get("CONNECTOR_HUB_PRODUCTION", "").lower() in ("1", "true", "yes", "on")
    else "plain"
)
if _log_format == "json":
    logconfig_dict = logging_config("json", os.environ.get("CONNECTOR_HUB_LOG_LEVEL", "INFO"))
    logconfig_dict["loggers"].update(
        {
            name: {"handlers": ["console"], "level": "INFO", "propagate": False}
            for name in ("gunicorn.error", "gunicorn.access")
        }
    )


# A body larger than Django accepts (CONNECTOR_HUB_MAX_BODY_BYTES) is refused with a 413 before
# it is read. Gunicorn drains at most 64 KiB of an unread body before it reuses a connection, and
# closes it otherwise (after having announced keep-alive): such a request is answered with
# "Connection: close" instead, so that a client knows to open a new connection.
_max_body_bytes = _int("CONNECTOR_HUB_MAX_BODY_BYTES", 2 * 1024 * 1024)


def pre_request(worker, req):
    for name, value in req.headers:
        if name == "CONTENT-LENGTH":
            if value.isdigit() and int(value) > _max_body_bytes:
                req.must_close = True
            break


def on_starting(server):
    """A clean folder for the workers' metric files (stale ones would add old counts)."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))
    else:
        folder = tempfile.mkdtemp(prefix="connector-hub-metrics.")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
        server._connector_hub_metrics_dir = folder


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    folder = getattr(server, "_connector_hub_metrics_dir", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def post_worker_init(worker):
    """Freeze what the worker holds once started (Django, the apps, their URL conf and views):
    the cyclic collector's full passes then skip those objects, as in the sync workers."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view now, not on first request)
    gc.collect()
    gc.freeze()
