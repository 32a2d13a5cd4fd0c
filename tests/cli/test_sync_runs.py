"""``run_sync --inline`` and ``--wait``: a real sync, in the command's process or in a worker."""

import json

import pytest

from syncs.models import Document, Sync, SyncStatus

pytestmark = [pytest.mark.database]


def test_inline_runs_the_whole_sync_in_the_command_process(cli, sample_connector, workspace):
    connector = sample_connector(
        name="inline", document_count=120, operations_config={"batch_size": 25, "max_batches": 2}
    )
    result = cli("run_sync", "--workspace", workspace.slug, "inline", "--inline", "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["status"] == SyncStatus.SUCCEEDED
    assert shown["counts"]["created"] == 120
    assert Document.objects.filter(connector=connector).count() == 120


def test_inline_failure_exits_non_zero_with_the_reason(cli, sample_connector, workspace):
    sample_connector(name="broken", document_count=50, fail_after=10, fail_retryable=False)
    result = cli("run_sync", "--workspace", workspace.slug, "broken", "--inline")
    assert result.returncode == 1
    assert "The sync failed" in result.stderr


@pytest.mark.worker
def test_wait_follows_a_worker_with_progress(cli, celery_processes, sample_connector, workspace):
    celery_processes.worker()
    connector = sample_connector(
        name="followed", document_count=300, batch_delay=0.2, operations_config={"batch_size": 50}
    )
    result = cli("run_sync", "--workspace", workspace.slug, "followed", "--wait")
    assert result.returncode == 0, result.stderr + celery_processes.logs()
    progress = [line for line in result.stderr.splitlines() if "documents" in line]
    assert progress and progress[-1].startswith("[##############################] 100% 300/300")
    assert any("/s" in line for line in progress)
    assert Sync.objects.get(connector=connector).status == SyncStatus.SUCCEEDED
