"""The real web server (``manage.py runserver``) in a subprocess, on the database the test process
uses (so it needs ``transactional_db``: it only sees committed rows)::

    with web_server(log_dir, CONNECTOR_HUB_THROTTLE_ENABLED="false") as server:
        httpx.get(server.url + "/api/schema/")

The process is stopped (by its own pid) when the block ends.
"""

import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.servers.celery_worker import ROOT, service_env
from tests.servers.ports import free_port

READY_TIMEOUT = 60


@dataclass
class WebServer:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def _wait_ready(server: WebServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"The web server exited:\n{server.log_tail()}")
        try:
            httpx.get(server.url + "/login/", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"The web server did not answer in {READY_TIMEOUT} s:\n{server.log_tail()}")


@contextmanager
def web_server(log_dir: Path, **env):
    port = free_port()
    log_path = Path(log_dir) / f"web-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=service_env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    server = WebServer(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)
    try:
        _wait_ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
