"""``make run``, the quick start: the embedded default (SQLite, the file-system broker) set up and
served, the demo's login and key printed in a framed block; Ctrl-C (SIGINT to the foreground
process group) ends it without a make error."""

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.servers.celery_worker import _tree, wait_until
from tests.servers.ports import free_port

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parents[2]


def _default_sigint():
    # A test run started in the background ignores SIGINT, and its children would inherit that.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_make_run_serves_and_ctrl_c_ends_quietly():
    work = Path(tempfile.mkdtemp(prefix="make-run."))
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
        and not key.startswith("CONNECTOR_HUB_")
    }
    env.update(WEB_PORT=str(port), CONNECTOR_HUB_VAR_DIR=str(work / "var"))
    log_path = work / "make-run.log"
    log = open(log_path, "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=_default_sigint,
    )

    def output() -> str:
        return log_path.read_text(errors="replace")

    def ready():
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
        except httpx.TransportError:
            return None
        return response if response.status_code == 200 else None

    try:
        wait_until(ready, timeout=180, interval=0.5, message=output)
        framed = wait_until(
            lambda: "Ctrl-C stops" in output() and output(), timeout=30, message=output
        )
        block = framed[framed.rindex("Connector Hub: http") :]
        assert f"127.0.0.1:{port}/" in block and "password" in block and "API key" in block
        assert "changepassword admin" in block and "create_api_key" in block, block
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)
        shown = output()
        assert "make: ***" not in shown, shown[-2000:]
        assert "Traceback" not in shown, shown[-4000:]
    finally:
        if process.poll() is None:
            descendants = _tree(process.pid)
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                for pid in descendants:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                process.wait()
        log.close()
        shutil.rmtree(work, ignore_errors=True)
