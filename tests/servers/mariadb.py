"""A throw-away MariaDB server on loopback (Debian's ``mariadb-server``), for tests.

The package is installed with apt-get when missing (installing it never starts a service here).

python -m tests.servers.mariadb start   # prints MARIADB_PORT=... and MARIADB_DIR=...
python -m tests.servers.mariadb stop DIR
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.servers.ports import free_port

USER, PASSWORD, DATABASE = "hub", "hub-test-password", "hub"


def install() -> None:
    if shutil.which("mariadbd") or Path("/usr/sbin/mariadbd").exists():
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "mariadb-server"],
        check=True,
        env=env,
        capture_output=True,
    )


@dataclass
class MariaDBServer:
    directory: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def socket(self) -> Path:
        return self.directory / "sock"

    def sql(self, statements: str, database: str = "") -> str:
        """Run statements as root over the socket; returns the tab-separated output."""
        command = ["mariadb", "--no-defaults", "-S", str(self.socket), "-uroot", "-N", "-B"]
        if database:
            command.append(database)
        return subprocess.run(
            command, input=statements, check=True, capture_output=True, text=True
        ).stdout

    def connection_info(self, **overrides) -> dict:
        info = {
            "host": "127.0.0.1",
            "port": self.port,
            "name": DATABASE,
            "username": USER,
            "password": PASSWORD,
        }
        return {**info, **overrides}

    def stop(self) -> None:
        stop(self.directory, self.process)


def _sbin(name: str) -> str:
    return shutil.which(name) or f"/usr/sbin/{name}"


def start() -> MariaDBServer:
    install()
    directory = Path(tempfile.mkdtemp(prefix="mariadb.", dir="/tmp"))
    port = free_port()
    subprocess.run(
        [
            "mariadb-install-db",
            "--no-defaults",
            f"--datadir={directory / 'data'}",
            "--user=root",
            "--skip-test-db",
            "--auth-root-authentication-method=socket",
        ],
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [
            _sbin("mariadbd"),
            "--no-defaults",
            "--user=root",
            f"--datadir={directory / 'data'}",
            f"--socket={directory / 'sock'}",
            f"--port={port}",
            "--bind-address=127.0.0.1",
            f"--pid-file={directory / 'pid'}",
            f"--log-error={directory / 'err.log'}",
            "--skip-log-bin",
            "--innodb-flush-log-at-trx-commit=0",
            "--innodb-doublewrite=0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = MariaDBServer(directory, port, process)
    deadline = time.monotonic() + 30
    while True:
        ping = subprocess.run(
            ["mariadb-admin", "--no-defaults", "-S", str(server.socket), "-uroot", "ping"],
            capture_output=True,
        )
        if ping.returncode == 0:
            break
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError("MariaDB did not start")
        time.sleep(0.1)
    server.sql(
        f"CREATE DATABASE {DATABASE};"
        f"CREATE USER '{USER}'@'%' IDENTIFIED BY '{PASSWORD}';"
        f"GRANT ALL ON {DATABASE}.* TO '{USER}'@'%';"
    )
    return server


def stop(directory, process: subprocess.Popen | None = None) -> None:
    directory = Path(directory)
    pid_file = directory / "pid"
    pid = process.pid if process else None
    if pid is None and pid_file.exists():
        pid = int(pid_file.read_text().strip())
    if pid is not None:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        if process is not None:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        else:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
                time.sleep(0.1)
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "start":
        server = start()
        print(f"MARIADB_PORT={server.port}")
        print(f"MARIADB_DIR={server.directory}")
    elif command == "stop":
        stop(sys.argv[2])
    else:
        sys.exit("usage: python -m tests.servers.mariadb start|stop DIR")
