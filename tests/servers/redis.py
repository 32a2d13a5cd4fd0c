"""A throw-away Redis server on loopback (Debian's ``redis-server``), for tests and benchmarks.

Installed with apt-get when missing. ``redis_server`` is a session-scoped pytest fixture.
"""

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.servers.ports import free_port, wait_for_port

PACKAGE = "redis-server"


def ensure_installed() -> None:
    if shutil.which("redis-server") and shutil.which("redis-cli"):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", PACKAGE],
        check=True,
        env=env,
        capture_output=True,
    )


@dataclass
class RedisServer:
    process: subprocess.Popen
    port: int
    directory: Path

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            subprocess.run(
                ["redis-cli", "-p", str(self.port), "shutdown", "nosave"],
                capture_output=True,
                timeout=10,
            )
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def start() -> RedisServer:
    ensure_installed()
    directory = Path(tempfile.mkdtemp(prefix="redis."))
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = RedisServer(process, port, directory)
    try:
        wait_for_port(port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ping = subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True)
            if ping.stdout.strip() == b"PONG":
                return server
            time.sleep(0.05)
        raise TimeoutError("redis-server did not answer PING")
    except BaseException:
        server.stop()
        raise


@pytest.fixture(scope="session")
def redis_server():
    server = start()
    yield server
    server.stop()
