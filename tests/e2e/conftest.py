"""End-to-end syncs: every kind created through the services, checked and synced by a real Celery
worker against its real local server, documents asserted in the database.

One worker serves each test module (``worker``, module scope; a module may set ``worker_env``);
the servers are the run's shared ones (``tests/servers/fixtures.py``). Tests use a transactional
database (the worker sees committed rows only) and wait for every sync they start, so that none
is left running into the next test.
"""

import shutil
import tempfile
from pathlib import Path

import pytest

from connectors import services
from connectors.lifecycle import State
from connectors.models import Connector
from syncs import services as sync_services
from syncs.models import FINISHED_STATUSES, Document, Sync, SyncTrigger
from tests.servers.celery_worker import CeleryProcesses, wait_until

CHECK_TIMEOUT = 60
SYNC_TIMEOUT = 120


@pytest.fixture(scope="module")
def worker_env():
    """Settings of the module's worker (a module overrides this fixture)."""
    return {}


@pytest.fixture(scope="module")
def worker(django_db_setup, worker_env):
    """One real worker for the module, on the test database, with fast engine retries."""
    log_dir = Path(tempfile.mkdtemp(prefix="celery-logs."))
    processes = CeleryProcesses(log_dir)
    env = {"CONNECTOR_HUB_SYNC_RETRY_BACKOFF": "0.2", **worker_env}
    try:
        processes.worker(env=env)
        yield processes
    finally:
        # Every test waited for the syncs it started, so the worker is idle: end it at once
        # rather than wait seconds for a warm shutdown to notice (the broker is polled).
        for process in processes.started:
            process.kill()
        shutil.rmtree(log_dir, ignore_errors=True)


@pytest.fixture
def hub(worker, transactional_db, catalog, owner, workspace):
    """Creating connectors of the built-in kinds and syncing them through the worker."""
    return Hub(worker, catalog, owner, workspace)


class Hub:
    def __init__(self, worker, catalog, owner, workspace):
        self.worker = worker
        self.catalog = catalog
        self.owner = owner
        self.workspace = workspace
        self.returned: set = set()  # the syncs waited on to their end

    def create(self, kind: str, config: dict, *, name: str | None = None, **extra) -> Connector:
        """A connector created through the services; its check runs in the worker."""
        return services.connector_create(
            actor=self.owner,
            workspace=self.workspace,
            definition=self.catalog[kind],
            name=name or f"{kind} connector",
            config=config,
            **extra,
        )

    def checked(self, connector: Connector) -> Connector:
        """The connector once the worker's check ended (running or failed)."""

        def ended():
            connector.refresh_from_db()
            return connector.state in (State.RUNNING, State.FAILED)

        wait_until(ended, timeout=CHECK_TIMEOUT, message=self.worker.logs)
        return connector

    def running(self, kind: str, config: dict, **extra) -> Connector:
        connector = self.checked(self.create(kind, config, **extra))
        assert connector.state == State.RUNNING, connector.state_reason
        return connector

    def sync(self, connector: Connector, *, full: bool = False) -> Sync:
        """The connector's sync not waited on yet (a first one its schedule queued, which
        the worker may already have finished), or a new one, run by the worker to its end; it
        must succeed."""
        sync = (
            Sync.objects.filter(connector=connector)
            .exclude(pk__in=self.returned)
            .order_by("queued_at")
            .first()
            if not full
            else None
        )
        if sync is None:
            sync = sync_services.sync_trigger(
                actor=self.owner, connector=connector, trigger=SyncTrigger.API, full=full
            )
        sync = self.finished(sync)
        assert sync.status == "succeeded", (sync.error_message, self.log(sync))
        return sync

    def finished(self, sync: Sync) -> Sync:
        def ended():
            sync.refresh_from_db()
            return sync.status in FINISHED_STATUSES

        wait_until(ended, timeout=SYNC_TIMEOUT, message=self.worker.logs)
        self.returned.add(sync.pk)
        return sync

    @staticmethod
    def log(sync: Sync) -> list[str]:
        return list(sync.log_lines.order_by("id").values_list("message", flat=True))

    @staticmethod
    def documents(connector: Connector) -> dict[str, Document]:
        """The connector's live documents by external id."""
        live = Document.objects.filter(connector=connector, deleted_at__isnull=True)
        return {document.external_id: document for document in live}

    @staticmethod
    def deleted(connector: Connector) -> set[str]:
        gone = Document.objects.filter(connector=connector, deleted_at__isnull=False)
        return set(gone.values_list("external_id", flat=True))


def counts(sync: Sync) -> dict[str, int]:
    """The sync's document counters, for one readable assertion."""
    return {
        "created": sync.documents_created,
        "updated": sync.documents_updated,
        "unchanged": sync.documents_unchanged,
        "deleted": sync.documents_deleted,
    }


def assert_failed_check(connector: Connector, expected: str, *secrets: str) -> None:
    """The check failed, the reason says why in plain words, and it echoes no secret."""
    assert connector.state == State.FAILED
    assert expected in connector.state_reason, connector.state_reason
    for secret in secrets:
        assert secret not in connector.state_reason
