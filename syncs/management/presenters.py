"""Syncs in the commands' output: a table row, and the detail the API shows
(``syncs.serializers``) with the connector's name and the log."""

from syncs.serializers import SyncSerializer


def sync_row(sync) -> dict:
    return {
        "id": str(sync.pk),
        "connector": sync.connector.name,
        "trigger": sync.trigger,
        "status": sync.status,
        "done": sync.progress_done,
        "total": sync.progress_total,
        "percent": sync.percent,
        "queued_at": sync.queued_at,
        "finished_at": sync.finished_at,
    }


def sync_detail(sync) -> dict:
    return {
        **SyncSerializer(sync).data,
        "connector": sync.connector.name,
        "log": [
            f"{line.at:%H:%M:%S} {line.level}: {line.message}" for line in sync.log_lines.all()
        ],
    }
