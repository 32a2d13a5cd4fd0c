"""Real ``celery -A config worker`` and ``beat`` processes, for tests and benchmarks.

They run with the test process's own environment (var folder, fixed keys, broker folders) and a
``DATABASE_URL`` naming the database the test process really uses, read from Django's connection
at run time: the file SQLite test database or the PostgreSQL one alike.

In tests, use the ``celery_processes`` fixture (it needs ``transactional_db``, since the workers
only see committed rows)::

    def test_something(celery_processes):
        celery_processes.worker()          # purges stale messages of its broker first
        ...create data, trigger syncs...   # every process is stopped at teardown

Start the processes before creating data: the first start on a broker empties its queue.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 60


def database_url() -> str:
    """The URL of the database this process is connected to (after test database setup)."""
    from django.db import connection

    settings = connection.settings_dict
    engine = settings["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings.get("USER") or "", safe="")
        password = quote(settings.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if user else ""
        host = settings.get("HOST") or "127.0.0.1"
        port = f":{settings['PORT']}" if settings.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(settings['NAME'], safe='')}"
    raise RuntimeError(f"No DATABASE_URL form known for {engine}")


def service_env(**overrides) -> dict:
    """This process's environment for a worker or beat: same var folder and keys, the database
    actually in use, the project's real settings module."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url(),
        PYTHONUNBUFFERED="1",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def purge_broker(broker_url: str | None = None) -> int:
    """Drop every waiting message of the workers' queues (left over by an earlier run)."""
    from kombu import Connection

    from config.celery import app

    names = [queue.name for queue in app.conf.task_queues or ()] or [app.conf.task_default_queue]
    with Connection(broker_url) if broker_url else app.connection_for_write() as connection:
        channel = connection.default_channel
        return sum(channel.queue_purge(name) or 0 for name in names)


@contextmanager
def broker_of_this_process(broker_url: str):
    """Send this process's tasks (``.delay`` in services) to ``broker_url`` for a while."""
    from kombu import pools

    from config.celery import app

    def reset_pools():
        pools.reset()  # kombu's shared connection and producer pools, keyed by broker
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url, app.conf.broker_transport
    reset_pools()
    app.conf.broker_url, app.conf.broker_transport = broker_url, None  # the URL's own transport
    try:
        yield
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.broker_transport = previous


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:
            pass
    return found


def _tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        queue += _children(current)
    return pids


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class CeleryProcess:
    kind: str
    process: subprocess.Popen
    log_path: Path
    env: dict = field(repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def wait_for_log(self, marker: str, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.log():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"celery {self.kind} exited early:\n{self.log_tail()}")
            time.sleep(0.1)
        raise TimeoutError(f"celery {self.kind} not ready after {timeout} s:\n{self.log_tail()}")

    def peak_rss_kib(self) -> int:
        """The largest peak resident memory (VmHWM) of the process and its pool children."""
        return max(self.peak_rss_by_process().values(), default=0)

    def peak_rss_by_process(self) -> dict[int, int]:
        return {pid: _status_kib(pid, "VmHWM") for pid in _tree(self.pid)}

    def kill(self) -> None:
        """SIGKILL the whole process group, as when a machine or container dies."""
        if self.process.poll() is None:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait()

    def request_stop(self) -> None:
        """Ask for a warm shutdown: the main process stops its pool itself. The file-system
        transport's loop notices within a couple of seconds."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 20) -> None:
        self.request_stop()
        try:
            self.process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()


def _spawn(kind: str, arguments: list[str], env: dict, log_dir: Path) -> CeleryProcess:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{kind}-{uuid.uuid4().hex[:8]}.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", kind, *arguments],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return CeleryProcess(kind, process, log_path, env)


def start_worker(env: dict, log_dir: Path, *, concurrency: int = 1) -> CeleryProcess:
    worker = _spawn(
        "worker",
        [
            "--loglevel=INFO",
            f"--concurrency={concurrency}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            f"--hostname=test-{uuid.uuid4().hex[:8]}@%h",
        ],
        env,
        log_dir,
    )
    try:
        worker.wait_for_log(" ready.")
    except BaseException:
        worker.stop()
        raise
    return worker


def start_beat(env: dict, log_dir: Path) -> CeleryProcess:
    beat = _spawn(
        "beat",
        ["--loglevel=INFO", f"--schedule={log_dir / 'beat-schedule'}", "--pidfile="],
        env,
        log_dir,
    )
    try:
        beat.wait_for_log("beat: Starting...")
    except BaseException:
        beat.stop()
        raise
    return beat


class CeleryProcesses:
    """Starts workers and beat for one test; ``stop_all`` ends every one of them."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.started: list[CeleryProcess] = []
        self._purged: set[str] = set()

    def _env(self, broker_url: str | None, env: dict | None) -> dict:
        overrides = dict(env or {})
        if broker_url:
            overrides["CELERY_BROKER_URL"] = broker_url
        key = broker_url or "default"
        if key not in self._purged:
            purge_broker(broker_url)
            self._purged.add(key)
        return service_env(**overrides)

    def worker(self, *, concurrency: int = 1, broker_url=None, env=None) -> CeleryProcess:
        process = start_worker(self._env(broker_url, env), self.log_dir, concurrency=concurrency)
        self.started.append(process)
        return process

    def beat(self, *, broker_url=None, env=None) -> CeleryProcess:
        process = start_beat(self._env(broker_url, env), self.log_dir)
        self.started.append(process)
        return process

    def logs(self) -> str:
        return "\n\n".join(f"== {p.kind} {p.pid} ==\n{p.log_tail()}" for p in self.started)

    def stop_all(self) -> None:
        for process in self.started:
            process.request_stop()
        for process in reversed(self.started):
            process.stop()


@pytest.fixture
def celery_processes(transactional_db):
    log_dir = Path(tempfile.mkdtemp(prefix="celery-logs."))
    processes = CeleryProcesses(log_dir)
    try:
        yield processes
    finally:
        processes.stop_all()
        shutil.rmtree(log_dir, ignore_errors=True)


def wait_until(predicate, *, timeout: float, interval: float = 0.1, message=lambda: ""):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds with
    ``message()`` (e.g. the processes' logs)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up after {timeout} s. {message()}")
        time.sleep(interval)
