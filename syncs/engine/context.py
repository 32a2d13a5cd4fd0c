"""The engine's side of a read: heartbeat, cancellation and the sync's bounded log."""

import time

from django.conf import settings

from registry.schema.secrets import redact
from registry.sources.base import SourceContext, StoredFile, SyncCancelled
from syncs import uploads
from syncs.engine.lease import Lease
from syncs.models import SyncLogLine, SyncStatus

# The line kept back for the sync's outcome (engine or liveness) once the others used the budget.
RESERVED_FOR_OUTCOME = 1


class SyncLog:
    """At most ``limit`` lines per sync (across its task runs); outcome lines always fit."""

    def __init__(self, lease: Lease, secret_values: list[str], *, already: int, limit: int):
        self.lease = lease
        self.secret_values = secret_values
        self.written = already
        self.limit = max(limit, RESERVED_FOR_OUTCOME + 1)

    def write(self, message: str, level: str = SyncLogLine.Level.INFO, *, outcome=False) -> None:
        """Write inside a lease transaction (the caller's, or one of its own)."""
        room = self.limit if outcome else self.limit - RESERVED_FOR_OUTCOME
        if self.written >= room:
            return
        if not outcome and self.written == room - 1:
            message, level = "Further lines were left out of this log.", SyncLogLine.Level.INFO
        SyncLogLine.objects.create(
            sync_id=self.lease.sync_id,
            level=level if level in SyncLogLine.Level.values else SyncLogLine.Level.INFO,
            message=redact(str(message), self.secret_values)[:2000],
        )
        self.written += 1


class EngineContext(SourceContext):
    """Given to the reader: ``heartbeat`` writes the lease's heartbeat (at most once per
    interval) and raises ``SyncCancelled`` once the sync is being cancelled or its connector was
    stopped or deleted; ``log`` writes a line of the sync's log."""

    def __init__(self, lease: Lease, log: SyncLog, *, batch_size: int | None = None):
        self.lease = lease
        self.sync_log = log
        if batch_size:
            self.batch_size = batch_size
        self.interval = settings.CONNECTOR_HUB_SYNC_HEARTBEAT_INTERVAL
        self._last_beat = time.monotonic()

    def stored_files(self, after: int, limit: int) -> list[StoredFile]:
        return uploads.stored_files(self.lease.connector_id, after, limit)

    def beaten(self) -> None:
        """A batch commit just wrote the heartbeat."""
        self._last_beat = time.monotonic()

    def heartbeat(self) -> None:
        if time.monotonic() - self._last_beat < self.interval:
            return
        self._last_beat = time.monotonic()
        status, connector_gone = self.lease.beat()
        if status == SyncStatus.CANCELLING or connector_gone:
            raise SyncCancelled()

    def log(self, message: str, level: str = "info") -> None:
        with self.lease.transaction(shared=True):
            self.sync_log.write(message, level)
