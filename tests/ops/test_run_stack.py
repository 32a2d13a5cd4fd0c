"""``make run-stack`` (deploy/run-stack.sh): PostgreSQL and Redis from the machine's packages,
migrations, catalog, then gunicorn + a worker per queue + beat; ready over HTTP; Ctrl-C (SIGINT
to the foreground process group) stops every one of them, the database and Redis included."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

import httpx
import pytest

from tests.servers.celery_worker import _tree, wait_until
from tests.servers.ports import free_port

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parents[2]


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def stop_leftovers(stack: Path, redis_port: int) -> None:
    """After a failure: the cluster and Redis this test's script started, by their own tools."""
    data = stack / "postgres" / "data"
    if (data / "postmaster.pid").exists():
        pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, pg_ctl, "-D", data, "-m", "immediate", "stop"], check=False)
    subprocess.run(["redis-cli", "-p", str(redis_port), "shutdown", "nosave"], check=False)


def test_run_stack_serves_and_ctrl_c_stops_everything():
    work = Path(tempfile.mkdtemp(prefix="run-stack."))
    work.chmod(0o755)  # the PostgreSQL user must reach its data folder
    ports = {"WEB_PORT": free_port(), "STACK_PG_PORT": free_port(), "STACK_REDIS_PORT": free_port()}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update({key: str(value) for key, value in ports.items()})
    env.update(STACK_DIR=str(work / "stack"), CONNECTOR_HUB_VAR_DIR=str(work / "var"))
    log = open(work / "run-stack.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        ["bash", "deploy/run-stack.sh"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{ports['WEB_PORT']}"

    def output(tail=4000):
        text = (work / "run-stack.log").read_text(errors="replace")
        return text[-tail:] if tail else text

    def ready():
        try:
            response = httpx.get(f"{url}/readyz", timeout=5)
        except httpx.TransportError:
            return None
        return response if response.status_code == 200 else None

    try:
        body = wait_until(ready, timeout=120, interval=0.5, message=output).json()
        assert body["checks"]["broker"]["ok"] and body["checks"]["beat"]["ok"]
        assert httpx.get(f"{url}/api/docs/").status_code == 200
        assert "API key for workspace demo" in output(tail=None)
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=90)
        for port in ports.values():
            assert not listening(port), (port, output())
        assert not (work / "stack" / "postgres" / "data" / "postmaster.pid").exists()
    finally:
        if process.poll() is None:  # a failure above: stop as Ctrl-C would, then by force
            descendants = _tree(process.pid)  # honcho runs each process in its own session
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                for pid in descendants:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                process.wait()
        stop_leftovers(work / "stack", ports["STACK_REDIS_PORT"])
        log.close()
        shutil.rmtree(work, ignore_errors=True)
