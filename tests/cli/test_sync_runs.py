"""``run_sync --inline`` and ``--wait``: a real sync, in the command's process or in a worker."""

import json
import os
import pty
import subprocess
import sys

import pytest

from syncs.models import Document, Sync, SyncStatus
from tests.servers.celery_worker import ROOT, service_env

pytestmark = [pytest.mark.database]


def test_inline_runs_the_whole_sync_in_the_command_process(cli, sample_connector, workspace):
    connector = sample_connector(
        name="inline", document_count=120, operations_config={"batch_size": 25, "max_batches": 2}
    )
    result = cli("run_sync", "--workspace", workspace.slug, "inline", "--inline", "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["status"] == SyncStatus.SUCCEEDED
    assert shown["documents"]["created"] == 120
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


@pytest.mark.worker
def test_wait_on_a_terminal_ends_green_and_warns_of_nothing(
    celery_processes, sample_connector, workspace
):
    """Django writes stderr in red on a terminal: the progress keeps the terminal's colour and a
    succeeded sync ends in green; sending the task through the embedded broker prints no
    warning."""
    celery_processes.worker()
    sample_connector(name="coloured", document_count=100, operations_config={"batch_size": 50})
    controller, terminal = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "manage.py", "run_sync", "--workspace", workspace.slug, "coloured"]
            + ["--wait", "--force-color"],  # colours as on a terminal (stdout is a pipe here)
            cwd=ROOT,
            env=service_env(),
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=180,
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the other end is closed: everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    text = shown.decode()
    assert process.returncode == 0, text + celery_processes.logs()
    assert "No hostname" not in text and "WARNING" not in text, text
    assert "\x1b[31" not in text, text  # never red
    assert "\x1b[32;1m" in text, text
    green = text.rsplit("\x1b[32;1m", 1)[1]
    assert "100% 100/100" in green and "succeeded" in green, text
