"""The sync engine: runs one Sync in a Celery task (see ``entry`` and ``runner``).

Modules: ``lease`` (claiming a sync and proving the claim on every write), ``attempts`` (each try
of a sync), ``passes`` (the connector's cursor and pruning passes), ``readahead`` (the reader's
thread and its bounded hand-over), ``groups`` (how much one write transaction stores), ``reading``
(the read loop and the write transaction), ``documents`` (documents to rows, counts),
``document_store`` (every statement that writes documents), ``listing`` (keys listed to find
deletions), ``context`` (heartbeat, cancellation, bounded log), ``failures`` (retryable or not,
messages), ``ends`` (how a task run ends), ``entry`` (what a task calls: claim and run),
``runner`` (a task run from its claim to its end), ``parts`` and ``part_run`` (one sync read by
several workers at once).
"""

from syncs.engine.entry import run, run_part

__all__ = ["run", "run_part"]
