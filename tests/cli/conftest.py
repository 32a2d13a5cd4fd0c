import subprocess
import sys

import pytest

from tests.processes import ROOT, service_env


@pytest.fixture
def cli(transactional_db):
    """Run ``manage.py`` in a real process against the test database."""

    def run(*args, stdin: str | None = None):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=service_env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run
