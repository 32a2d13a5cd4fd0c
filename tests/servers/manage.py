"""``python manage.py ...`` as a separate process with its own environment, for tests and
benchmarks that drive a deployment from the outside."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def manage(env: dict, *args: str, timeout: float = 120) -> str:
    """The command's standard output; a failing command fails the caller with its output."""
    result = run_manage(env, *args, timeout=timeout)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
