import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("connector_hub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    """Workers and beat log like the web process (settings.LOGGING: plain, or JSON lines with
    the workspace, connector and sync ids) instead of installing Celery's own handlers."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.worker_init.connect
def load_readers(**kwargs):
    """Import every kind's reader (and the vendors' libraries they use) once, in the worker's
    main process before it starts its pool, so each pool process has them from its start.
    Otherwise a process pays for them (about half a second) at its first sync, and the second
    part of a split sync, read by a process that has not synced yet, starts that much later."""
    from registry.sources.installed import implementations

    implementations()


@signals.worker_process_init.connect
def freeze_start_up_objects(**kwargs):
    """Move what a worker process holds at start (Django, the apps, their libraries: 140,000
    objects) out of the cyclic collector's way. A sync allocates several objects per row, so
    the collector runs often, and each of its full passes would walk all of them again: a fifth
    of a table sync's CPU (``bench/sync_postgres.py``). These objects live as long as the
    process; reference counting still frees any that go.

    The youngest generation is also collected every 50,000 new containers rather than every 700:
    a batch's rows and documents are freed by reference counting, so the frequent young passes
    found nothing to free (6-9% of a table sync's Python CPU); what cycles there are wait at
    most that many allocations, a few megabytes."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def _add_worker_heartbeat():
    from ops.worker import WorkerHeartbeat

    app.steps["worker"].add(WorkerHeartbeat)


_add_worker_heartbeat()
