"""The sync engine: runs one Sync in a Celery task (see ``runner``).

Modules: ``lease`` (claiming a sync and proving the claim on every write), ``passes`` (the
connector's cursor and pruning passes), ``documents`` (batch upserts), ``context`` (heartbeat,
cancellation, bounded log), ``failures`` (retryable or not, messages), ``runner`` (the loop).
"""

from syncs.engine.runner import run

__all__ = ["run"]
