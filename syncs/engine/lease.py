"""Who may write a sync: the task holding its lease.

A task claims a sync with a conditional UPDATE that stores a fresh lease token. Every later write
(batch, heartbeat, log line, outcome) is conditional on that token, so a redelivered or zombie task
whose lease was taken away (liveness failed the sync, another task claimed it) writes nothing.

Between two task runs of one long sync (``max_batches``), the sync stays running with no lease:
the next task claims it the same way a queued one is claimed. A sync whose worker was lost waits
the same way with ``next_attempt_at`` set: claiming it after that moment starts a new attempt.
"""

import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from connectors.lifecycle import State
from connectors.models import Connector
from registry.sources.base import SyncCancelled
from syncs.engine import attempts
from syncs.models import Sync, SyncStatus

LEASED_STATUSES = (SyncStatus.RUNNING, SyncStatus.CANCELLING)


class LeaseLost(SyncCancelled):
    """This task no longer holds the sync's lease: it stops without writing anything. A
    ``SyncCancelled`` so that it leaves a reader the same way a cancellation does."""


@dataclass(frozen=True)
class Claim:
    token: uuid.UUID
    first: bool  # True when the sync was queued, False when a previous task run handed it on


@transaction.atomic
def claim(sync_id) -> Claim | None:
    """Take the sync for this task, or None when it is not waiting for a worker (or waits for
    the back-off after a lost worker to pass)."""
    token, now = uuid.uuid4(), timezone.now()
    started = Sync.objects.filter(pk=sync_id, status=SyncStatus.QUEUED).update(
        status=SyncStatus.RUNNING,
        lease_token=token,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
    )
    if started:
        attempts.begin(sync_id, now)
        return Claim(token, first=True)
    waiting = Sync.objects.filter(pk=sync_id, status__in=LEASED_STATUSES, lease_token__isnull=True)
    retried = waiting.filter(next_attempt_at__lte=now).update(
        lease_token=token, heartbeat_at=now, next_attempt_at=None, attempts=F("attempts") + 1
    )
    if retried:
        attempts.begin(sync_id, now)
        return Claim(token, first=False)
    continued = waiting.filter(next_attempt_at__isnull=True).update(
        lease_token=token, heartbeat_at=now
    )
    return Claim(token, first=False) if continued else None


_CONNECTOR_TABLE = Connector._meta.db_table


def lock_connector(connector_id, *, shared: bool = False) -> None:
    """Lock the connector's row until the transaction ends: exclusively, or in share mode (the
    parts of one sync, which write at the same time, against a stop, a delete or an edit)."""
    if not shared:
        list(Connector.all_objects.select_for_update().filter(pk=connector_id).values("pk"))
    elif connection.features.has_select_for_update:  # SQLite serialises every writer anyway
        key = Connector._meta.pk
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {_CONNECTOR_TABLE} WHERE {key.column} = %s FOR SHARE",
                [key.get_db_prep_value(connector_id, connection)],
            )


@dataclass
class Lease:
    sync_id: uuid.UUID
    token: uuid.UUID
    connector_id: uuid.UUID

    def _mine(self):
        return Sync.objects.filter(pk=self.sync_id, lease_token=self.token)

    @contextmanager
    def transaction(self, *, shared: bool = False):
        """A transaction that first proves the lease (and ticks the heartbeat); yields the sync's
        status. On PostgreSQL the UPDATE also locks the sync row until commit, so liveness cannot
        fail the sync half-way through a batch. The connector row is locked before it, in the
        order the services lock them (connector, then sync): a stop or delete arriving during a
        batch waits for it instead of deadlocking with it.
        ``shared`` matters to a part's lease only (``parts.PartLease``)."""
        with transaction.atomic():
            lock_connector(self.connector_id)
            if not self._mine().update(heartbeat_at=timezone.now()):
                raise LeaseLost()
            yield self._mine().values_list("status", flat=True).first()

    def beat(self) -> tuple[str, bool]:
        """Tick the heartbeat; return the sync's status and whether its connector is gone."""
        row = (
            self._mine().values_list("status", "connector__deleted_at", "connector__state").first()
        )
        if row is None or not self._mine().update(heartbeat_at=timezone.now()):
            raise LeaseLost()
        status, deleted_at, state = row
        return status, deleted_at is not None or state in (State.STOPPED, State.FAILED)

    def update(self, **fields) -> None:
        """Write fields of the sync, inside ``transaction()``."""
        self._mine().update(**fields)
