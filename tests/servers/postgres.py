"""A throw-away PostgreSQL server on loopback (Debian's package), for tests and CI.

python -m tests.servers.postgres start   # prints DATABASE_URL=... and PGSERVER_DIR=...
python -m tests.servers.postgres stop DIR
"""

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.servers.ports import free_port

BIN = Path("/usr/lib/postgresql/15/bin")
USER, PASSWORD = "hub", "hub-test-password"


def _as_postgres(*args, **kwargs):
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, *map(str, args)], check=True, capture_output=True, text=True, **kwargs
    )


@dataclass
class PostgresServer:
    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://{USER}:{PASSWORD}@127.0.0.1:{self.port}/hub"

    def dsn(self, database: str = "hub") -> dict:
        return {
            "host": "127.0.0.1",
            "port": self.port,
            "user": USER,
            "password": PASSWORD,
            "dbname": database,
        }

    def psql(self, sql: str, database: str = "postgres") -> str:
        return _as_postgres(
            BIN / "psql",
            "-h",
            self.directory,
            "-p",
            self.port,
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-qAt",
            "-c",
            sql,
        ).stdout

    def stop(self) -> None:
        stop(self.directory)


def start(*, options: tuple[str, ...] = ()) -> PostgresServer:
    """A new server; ``options`` are extra ``name=value`` settings (e.g. ``autovacuum=off``)."""
    if not (BIN / "initdb").exists():
        raise RuntimeError("PostgreSQL 15 is not installed: apt-get install -y postgresql")
    directory = Path(tempfile.mkdtemp(prefix="pg.", dir="/tmp"))
    shutil.chown(directory, "postgres", "postgres") if os.geteuid() == 0 else None
    port = free_port()
    _as_postgres(
        BIN / "initdb",
        "-D",
        directory / "data",
        "-U",
        "postgres",
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "-E",
        "UTF8",
        "--no-sync",
    )
    _as_postgres(
        BIN / "pg_ctl",
        "-D",
        directory / "data",
        "-l",
        directory / "log",
        "-w",
        "-o",
        f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        + "".join(f" -c {option}" for option in options),
        "start",
    )
    server = PostgresServer(directory, port)
    server.psql(f"CREATE ROLE {USER} LOGIN CREATEDB PASSWORD '{PASSWORD}'")
    server.psql(f"CREATE DATABASE hub OWNER {USER}")
    return server


def stop(directory) -> None:
    directory = Path(directory)
    if (directory / "data" / "postmaster.pid").exists():
        _as_postgres(BIN / "pg_ctl", "-D", directory / "data", "-m", "immediate", "-w", "stop")
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "start"
    if command == "start":
        server = start()
        print(f"DATABASE_URL={server.url}")
        print(f"PGSERVER_DIR={server.directory}")
    elif command == "stop":
        stop(sys.argv[2])
    else:
        sys.exit("usage: python -m tests.servers.postgres start|stop DIR")
