"""A .env file is read at start-up and fills in what the environment does not set."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOW = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS, settings.TIME_ZONE)"
)


def _settings_with(env_file: Path, **environment) -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS", "TIME_ZONE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CONNECTOR_HUB_ENV_FILE=str(env_file),
        **environment,
    )
    result = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_env_file_fills_in_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    assert _settings_with(env_file) == "False UTC"  # no file: the defaults
    env_file.write_text("CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS=true\nTIME_ZONE=Europe/Berlin\n")
    assert _settings_with(env_file) == "True Europe/Berlin"
    assert _settings_with(env_file, TIME_ZONE="Asia/Tokyo") == "True Asia/Tokyo"
