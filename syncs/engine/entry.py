"""What a task calls: run a sync, or one part of a split sync, if it is waiting for a worker."""

import logging

from syncs.engine import parts
from syncs.engine.lease import claim
from syncs.engine.part_run import PartRun
from syncs.engine.runner import SyncRun

logger = logging.getLogger(__name__)


def run(sync_id, *, inline: bool = False) -> None:
    """Run the sync ``sync_id`` if it is waiting for a worker; otherwise do nothing. A sync read
    in parts (``parts``) has its waiting parts' tasks sent instead; the run that splits a read
    goes on with its first part.

    ``inline`` keeps the whole sync in this process (the ``run_sync --inline`` command): where a
    task would hand on to a fresh task after ``max_batches``, it claims the sync again here, and
    the read is never split."""
    while True:
        if parts.is_split(sync_id):
            parts.send_waiting(sync_id)
            return
        claimed = claim(sync_id)
        if claimed is None:
            logger.info("Sync %s is not waiting for a worker: nothing to do.", sync_id)
            return
        sync_run = SyncRun(sync_id, claimed, enqueue_hand_on=not inline)
        handed_on = sync_run.execute()
        if sync_run.split_into:
            # The task that split the read reads the first part: its documents are stored a
            # broker round trip sooner, and the other parts' tasks find the workers free.
            run_part(sync_run.split_into[0])
            return
        if not (inline and handed_on):
            return


def run_part(part_id) -> None:
    """Run one part of a split sync if it is waiting for a worker; otherwise do nothing."""
    claimed = parts.claim(part_id)
    if claimed is None:
        logger.info("Sync part %s is not waiting for a worker: nothing to do.", part_id)
        return
    claim_, sync_id = claimed
    PartRun(part_id, sync_id, claim_).execute()
