"""Every command of the project: ``--help`` explains it, and run as a real process a failure is
one clear line on stderr with a non-zero exit status (no traceback, nothing written)."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from tenancy.models import Workspace
from tests.servers.celery_worker import ROOT, service_env

pytestmark = pytest.mark.database

GHOST = ["--workspace", "ghost"]
MISSING_ID = "00000000-0000-0000-0000-000000000000"
NO_WORKSPACE = "Workspace 'ghost' does not exist."

# command -> (arguments that must fail, what stderr says); None: the command has no failure a
# caller can provoke, so it must succeed.
FAILURES = {
    "associate_connector": ([*GHOST, "c", "--collection", MISSING_ID], NO_WORKSPACE),
    "bootstrap_demo": (["--workspace", "Not A Slug"], "slug"),
    "cancel_sync": ([*GHOST, MISSING_ID], NO_WORKSPACE),
    "check_connector": ([*GHOST, "c"], NO_WORKSPACE),
    "create_api_key": (GHOST, "does not exist"),
    "create_collection": ([*GHOST, "--space", "s", "n"], NO_WORKSPACE),
    "create_connector": ([*GHOST, "--type", "sample-data", "--name", "n"], NO_WORKSPACE),
    "create_space": ([*GHOST, "n"], NO_WORKSPACE),
    "create_workspace": (["Not A Slug"], "slug"),
    "delete_collection": ([*GHOST, MISSING_ID, "--yes"], NO_WORKSPACE),
    "delete_connector": ([*GHOST, "c", "--yes"], NO_WORKSPACE),
    "delete_space": ([*GHOST, "s", "--yes"], NO_WORKSPACE),
    "delete_workspace": (["ghost", "--yes"], NO_WORKSPACE),
    "dissociate_connector": ([*GHOST, "c", "--collection", MISSING_ID], NO_WORKSPACE),
    "export_documents": ([*GHOST, "--collection", MISSING_ID], NO_WORKSPACE),
    "fail_connector": ([*GHOST, "c"], NO_WORKSPACE),
    "list_api_keys": (GHOST, NO_WORKSPACE),
    "list_collections": (GHOST, NO_WORKSPACE),
    "list_connectors": (GHOST, NO_WORKSPACE),
    "list_definitions": (["--status", "Bogus"], "invalid choice"),
    "list_spaces": (GHOST, NO_WORKSPACE),
    "list_syncs": (GHOST, NO_WORKSPACE),
    "list_workspaces": None,
    "load_catalog": None,
    "promote_definition": (["nope-1.0.0"], "Connector not found: nope-1.0.0"),
    "register_connector": (["/nonexistent/package.zip"], "Cannot read"),
    "retire_definition": (["nope-1.0.0"], "Connector not found: nope-1.0.0"),
    "revoke_api_key": ([*GHOST, "abc"], NO_WORKSPACE),
    "rotate_encryption_key": None,
    "run_sync": ([*GHOST, "c"], NO_WORKSPACE),
    "show_connector": ([*GHOST, "c"], NO_WORKSPACE),
    "show_definition": (["nope-1.0.0"], "Connector not found: nope-1.0.0"),
    "show_sync": ([*GHOST, MISSING_ID], NO_WORKSPACE),
    "start_connector": ([*GHOST, "c"], NO_WORKSPACE),
    "stop_connector": ([*GHOST, "c"], NO_WORKSPACE),
    "update_connector": ([*GHOST, "c"], NO_WORKSPACE),
}


def project_commands() -> set[str]:
    return {
        path.stem
        for app in ("tenancy", "registry", "connectors", "syncs", "audit", "webhooks", "ops")
        for path in (Path(ROOT) / app / "management" / "commands").glob("*.py")
        if not path.stem.startswith("_")
    }


def test_every_command_is_listed_here():
    assert project_commands() == set(FAILURES)


def _run(*args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=service_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.parametrize("name", sorted(FAILURES))
def test_help_explains_every_command(name):
    app = get_commands()[name]
    parser = load_command_class(app, name).create_parser("manage.py", name)
    text = parser.format_help()
    assert text.startswith(f"usage: manage.py {name}")
    assert len(parser.description or "") > 20, "the command's help says what it does"


@pytest.mark.django_db(transaction=True)
def test_every_command_exits_as_a_script_expects():
    runs = [(name, failure[0] if failure else []) for name, failure in FAILURES.items()]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda run: (run[0], _run(run[0], *run[1])), runs))
    for name, result in results:
        failure = FAILURES[name]
        if failure is None:
            assert result.returncode == 0, (name, result.stderr)
            continue
        # A missing option too: one line and exit 1 (not argparse's usage block and exit 2).
        assert result.returncode == 1, (name, result.returncode, result.stdout)
        assert failure[1] in result.stderr, (name, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, (name, result.stderr)
    assert not Workspace.objects.filter(slug="ghost").exists()


def test_a_missing_option_is_one_line_and_exit_1():
    result = _run("create_connector", "--workspace", "acme")
    assert result.returncode == 1
    assert result.stderr == (
        "manage.py create_connector: the following arguments are required: --type, --name "
        "(see --help)\n"
    )
