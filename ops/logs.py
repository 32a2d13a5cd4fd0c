"""Logs: one JSON object per line in production (``CONNECTOR_HUB_LOG_FORMAT=json``), plain text
under ``make run``.

Every record logged while a task works on a sync or a connector carries ``workspace_id``,
``connector_id`` and (for syncs) ``sync_id``: ``task_prerun`` looks the ids up from the task's
arguments and keeps them in a context variable for the task's duration; ``ContextFilter`` copies
them onto each record. The lines a sync writes to its own log (``SyncLogLine``) are also logged,
on the ``syncs.log`` logger, once committed.
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter as _BaseJsonFormatter

IDS = ("workspace_id", "connector_id", "sync_id")
_context: ContextVar[dict | None] = ContextVar("connector_hub_log_context", default=None)

# gunicorn access-log atoms worth a field of their own (the query string is left out: it may
# carry values that have no place in logs).
ACCESS_ATOMS = {
    "h": "remote",
    "m": "method",
    "U": "path",
    "s": "status",
    "B": "bytes",
    "a": "user_agent",
}


def current() -> dict:
    return dict(_context.get() or {})


@contextmanager
def log_context(**ids):
    """Add ids to every record logged inside the block."""
    token = _context.set({**current(), **{k: str(v) for k, v in ids.items() if v}})
    try:
        yield
    finally:
        _context.reset(token)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in current().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        try:
            from celery import current_task

            task = current_task._get_current_object() if current_task else None
        except Exception:
            task = None
        if task is not None and getattr(task, "request", None) and task.request.id:
            record.__dict__.setdefault("task_id", task.request.id)
            record.__dict__.setdefault("task_name", task.name)
        return True


class JsonFormatter(_BaseJsonFormatter):
    """``{"time", "level", "logger", "message", ...extra fields}`` on one line."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("timestamp", "time")
        kwargs.setdefault(
            "rename_fields", {"levelname": "level", "name": "logger", "process": "pid"}
        )
        super().__init__("%(levelname)s %(name)s %(message)s %(process)d", *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            atoms = record.args
            for atom, key in ACCESS_ATOMS.items():
                if atom in atoms:
                    log_data[key] = atoms[atom]
            if str(atoms.get("D", "")).isdigit():
                log_data["duration_ms"] = round(int(atoms["D"]) / 1000, 3)
            record.message = f"{atoms.get('m', '')} {atoms.get('U', '')} {atoms.get('s', '')}"
        super().add_fields(log_data, record, message_dict)


def _ids_for_task(name: str, args, kwargs) -> dict:
    from connectors.models import Connector
    from syncs.models import Sync

    def argument(position: int, key: str):
        if key in (kwargs or {}):
            return kwargs[key]
        return args[position] if args and len(args) > position else None

    if name == "syncs.tasks.run_sync":
        sync_id = argument(0, "sync_id")
        row = (
            Sync.objects.filter(pk=sync_id)
            .values_list("connector_id", "connector__workspace_id")
            .first()
        )
        if row is None:
            return {"sync_id": sync_id}
        return {"sync_id": sync_id, "connector_id": row[0], "workspace_id": row[1]}
    if name in CONNECTOR_TASKS:
        connector_id = argument(0, "connector_id")
        workspace_id = (
            Connector.all_objects.filter(pk=connector_id)
            .values_list("workspace_id", flat=True)
            .first()
        )
        return {"connector_id": connector_id, "workspace_id": workspace_id}
    return {}


CONNECTOR_TASKS = {
    "syncs.tasks.scheduled_sync",
    "syncs.tasks.purge_connector",
    "connectors.tasks.check_connector",
}
_tokens: dict[str, object] = {}


def _task_started(sender=None, task_id=None, args=None, kwargs=None, **extra):
    from django.core.exceptions import ValidationError
    from django.db import Error

    try:
        ids = _ids_for_task(getattr(sender, "name", ""), args, kwargs)
    except (Error, ValidationError, ValueError):
        ids = {}
    if ids and task_id:
        _tokens[task_id] = _context.set({**current(), **{k: str(v) for k, v in ids.items() if v}})


def _task_ended(sender=None, task_id=None, **extra):
    token = _tokens.pop(task_id, None)
    if token is not None:
        try:
            _context.reset(token)
        except ValueError:
            _context.set(None)


def _sync_log_line_saved(sender, instance, created, **kwargs):
    if not created:
        return
    from django.db import Error, transaction

    level = {"warning": logging.WARNING, "error": logging.ERROR}.get(instance.level, logging.INFO)
    sync_id = str(instance.sync_id)
    message = instance.message

    def log():
        ids = {"sync_id": sync_id}
        if current().get("sync_id") != sync_id:  # written outside the sync's own task
            try:
                ids.update(_ids_for_task("syncs.tasks.run_sync", [sync_id], {}))
            except Error:
                pass
        with log_context(**ids):
            logging.getLogger("syncs.log").log(level, message)

    transaction.on_commit(log, robust=True)


def connect() -> None:
    from celery.signals import task_postrun, task_prerun
    from django.db.models.signals import post_save

    from syncs.models import SyncLogLine

    task_prerun.connect(_task_started, dispatch_uid="ops.logs.task_started", weak=False)
    task_postrun.connect(_task_ended, dispatch_uid="ops.logs.task_ended", weak=False)
    post_save.connect(_sync_log_line_saved, sender=SyncLogLine, dispatch_uid="ops.logs.sync_log")


def logging_config(log_format: str, level: str) -> dict:
    """The ``LOGGING`` dict: one console handler, plain or JSON, with the ids filter."""
    formatter = "json" if log_format == "json" else "plain"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "ops.logs.ContextFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "json": {"()": "ops.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
