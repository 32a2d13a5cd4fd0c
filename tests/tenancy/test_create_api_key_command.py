"""``create_api_key``: the interface other scripts rely on."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tenancy.models import ApiKey, ApiKeyRole, Workspace

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.database


def _run(*args):
    out = StringIO()
    call_command("create_api_key", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip().splitlines()[-1]


def test_prints_a_working_key_alone_on_the_last_line(workspace):
    raw_key = _run("--workspace", workspace.slug, "--name", "etl")
    api_key = ApiKey.objects.get_from_key(raw_key)
    assert api_key.workspace == workspace
    assert api_key.role == ApiKeyRole.ADMIN
    assert api_key.registry is False
    assert api_key.name == "etl"
    assert raw_key not in api_key.hashed_key
    assert api_key.prefix == raw_key.split(".")[0]


def test_viewer_and_registry_flags(workspace):
    api_key = ApiKey.objects.get_from_key(_run("--workspace", workspace.slug, "--role", "viewer"))
    assert api_key.role == ApiKeyRole.VIEWER
    api_key = ApiKey.objects.get_from_key(_run("--workspace", workspace.slug, "--registry"))
    assert api_key.registry is True


def test_creates_the_workspace_when_asked(db):
    raw_key = _run("--workspace", "fresh", "--create-workspace")
    assert ApiKey.objects.get_from_key(raw_key).workspace == Workspace.objects.get(slug="fresh")


def test_unknown_workspace_is_an_error(db):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("create_api_key", "--workspace", "nope", stdout=StringIO())
    assert not Workspace.objects.filter(slug="nope").exists()


@pytest.mark.django_db(transaction=True)
def test_exit_codes_in_a_real_process(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CONNECTOR_HUB_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    missing = subprocess.run(
        [sys.executable, "manage.py", "create_api_key", "--workspace", "ghost"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 1
    assert "does not exist" in missing.stderr
    made = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "create_api_key",
            "--workspace",
            "ghost",
            "--create-workspace",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    last_line = made.stdout.strip().splitlines()[-1]
    assert "." in last_line and " " not in last_line
