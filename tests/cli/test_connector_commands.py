import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from connectors import credentials
from connectors.lifecycle import State
from connectors.models import Connector
from tests.conftest import SECRET_PASSWORD

pytestmark = pytest.mark.database


def run(*args, stdin: str | None = None, monkeypatch=None) -> str:
    out = StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", StringIO(stdin))
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def config_file(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"connector_config": {"host": "db.example.com", "port": 5432}}))
    return path


@pytest.fixture
def secrets_file(tmp_path):
    path = tmp_path / "secrets.json"
    path.write_text(json.dumps({"connector_config": {"password": SECRET_PASSWORD}}))
    return path


def test_create_from_files_keeps_the_secret_and_never_prints_it(
    workspace, definition, config_file, secrets_file
):
    output = run(
        "create_connector",
        "--workspace",
        workspace.slug,
        "--type",
        definition.connector_id,
        "--name",
        "warehouse",
        "--config",
        str(config_file),
        "--secrets-file",
        str(secrets_file),
        "--set",
        "operations_config.batch_size=250",
        "--json",
    )
    assert SECRET_PASSWORD not in output
    shown = json.loads(output)
    assert shown["config"]["connector_config"]["password"] == "**********"
    assert shown["config"]["operations_config"]["batch_size"] == 250
    assert shown["state"] == State.STARTING
    connector = Connector.objects.get(name="warehouse")
    assert credentials.full_config(connector)["connector_config"]["password"] == SECRET_PASSWORD


def test_secrets_from_standard_input(workspace, definition, config_file, monkeypatch):
    run(
        "create_connector",
        "--workspace",
        workspace.slug,
        "--type",
        definition.registry_id,
        "--name",
        "from-stdin",
        "--config",
        str(config_file),
        "--secrets-stdin",
        stdin=json.dumps({"connector_config": {"password": SECRET_PASSWORD}}),
        monkeypatch=monkeypatch,
    )
    connector = Connector.objects.get(name="from-stdin")
    assert credentials.full_config(connector)["connector_config"]["password"] == SECRET_PASSWORD


def test_invalid_config_is_refused_with_the_field_and_nothing_stored(
    workspace, definition, tmp_path
):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"connector_config": {"host": "h", "port": 99999}}))
    with pytest.raises(CommandError, match=r"connector_config.port: Must be at most 65535"):
        run(
            "create_connector",
            "--workspace",
            workspace.slug,
            "--type",
            definition.connector_id,
            "--name",
            "bad",
            "--config",
            str(bad),
        )
    assert not Connector.all_objects.exists()


def test_show_list_update_and_lifecycle(make_connector, workspace, collection):
    connector = make_connector(name="warehouse")
    shown = json.loads(run("show_connector", "--workspace", workspace.slug, "warehouse", "--json"))
    assert shown["id"] == str(connector.pk)
    assert SECRET_PASSWORD not in json.dumps(shown)
    listed = run("list_connectors", "--workspace", workspace.slug, "--state", "starting")
    assert "warehouse" in listed
    assert "warehouse" not in run(
        "list_connectors", "--workspace", workspace.slug, "--state", "running"
    )

    run(
        "update_connector",
        "--workspace",
        workspace.slug,
        "warehouse",
        "--set",
        "connector_config.port=6543",
        "--description",
        "Main warehouse",
    )
    connector.refresh_from_db()
    full = credentials.full_config(connector)
    assert full["connector_config"]["port"] == 6543
    assert full["connector_config"]["password"] == SECRET_PASSWORD  # kept through the mask
    assert connector.description == "Main warehouse"

    assert "stopped" in run("stop_connector", "--workspace", workspace.slug, "warehouse")
    assert "starting" in run("start_connector", "--workspace", workspace.slug, str(connector.pk))
    assert "failed" in run("fail_connector", "--workspace", workspace.slug, "warehouse")

    run(
        "associate_connector",
        "--workspace",
        workspace.slug,
        "warehouse",
        "--collection",
        str(collection.pk),
    )
    assert list(connector.collections.all()) == [collection]
    run(
        "dissociate_connector",
        "--workspace",
        workspace.slug,
        "warehouse",
        "--collection",
        str(collection.pk),
    )
    assert not connector.collections.exists()


def test_schedule_options(make_connector, workspace):
    make_connector(name="nightly")
    shown = json.loads(
        run(
            "update_connector",
            "--workspace",
            workspace.slug,
            "nightly",
            "--schedule",
            "cron",
            "--schedule-value",
            "30 2 * * *",
            "--timezone",
            "Europe/Paris",
            "--json",
        )
    )
    assert shown["schedule_type"] == "cron"
    assert len(shown["next_runs"]) == 5
    assert "02:30" in shown["schedule"] or "2:30" in shown["schedule"]
    with pytest.raises(CommandError, match="cron"):
        run(
            "update_connector",
            "--workspace",
            workspace.slug,
            "nightly",
            "--schedule",
            "cron",
            "--schedule-value",
            "not a cron",
        )


def test_delete_asks_unless_yes(make_connector, workspace, monkeypatch):
    make_connector(name="doomed")
    monkeypatch.setattr("sys.stdin", StringIO(""))
    with pytest.raises(CommandError, match="--yes"):
        run("delete_connector", "--workspace", workspace.slug, "doomed")
    assert Connector.objects.filter(name="doomed").exists()
    run("delete_connector", "--workspace", workspace.slug, "doomed", "--yes")
    assert not Connector.objects.filter(name="doomed").exists()


def test_illegal_transition_names_the_state(make_connector, workspace):
    from syncs.models import Sync

    connector = make_connector(name="paused")
    run("stop_connector", "--workspace", workspace.slug, "paused")
    with pytest.raises(CommandError, match="stopped"):
        run("run_sync", "--workspace", workspace.slug, "paused")
    assert not Sync.objects.filter(connector=connector).exists()


def test_check_reports_the_outcome(make_connector, workspace, monkeypatch):
    make_connector(name="probe")
    monkeypatch.setattr(
        "connectors.management.commands.check_connector.run_check",
        lambda d, c, timeout: "Host unreachable.",
    )
    with pytest.raises(CommandError, match="check failed: Host unreachable."):
        run("check_connector", "--workspace", workspace.slug, "probe")
    monkeypatch.setattr(
        "connectors.management.commands.check_connector.run_check", lambda d, c, timeout: None
    )
    assert "check passed" in run("check_connector", "--workspace", workspace.slug, "probe")


def test_secret_passed_on_argv_is_not_a_way_in(workspace, definition, cli):
    result = cli(
        "create_connector",
        "--workspace",
        workspace.slug,
        "--type",
        definition.connector_id,
        "--name",
        "x",
        "--password",
        "oops",
    )
    assert result.returncode != 0
    assert not Connector.all_objects.filter(name="x").exists()


def test_errors_are_one_line_on_stderr_with_exit_1(workspace, definition, cli):
    result = cli("show_connector", "--workspace", workspace.slug, "ghost")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["CommandError: Connector not found."]
    assert result.stdout == ""


def test_update_with_another_type_moves_the_connector_and_drops_its_secrets(
    make_connector, workspace, collection, catalog, tmp_path
):
    from connectors import services

    connector = make_connector(name="warehouse")
    services.connector_associate(actor=None, connector=connector, collection=collection)
    new_config = tmp_path / "http.json"
    new_config.write_text(json.dumps({"url": "https://api.example.com/records"}))

    shown = json.loads(
        run(
            "update_connector",
            "--workspace",
            workspace.slug,
            "warehouse",
            "--type",
            "HttpData",
            "--config",
            str(new_config),
            "--description",
            "Now over HTTP",
            "--json",
        )
    )

    assert shown["id"] == str(connector.pk) and shown["type"] == "HttpData"
    connector = Connector.objects.get(pk=connector.pk)
    assert connector.description == "Now over HTTP"
    assert list(connector.collections.all()) == [collection]
    assert credentials.full_config(connector)["url"] == "https://api.example.com/records"
    assert SECRET_PASSWORD not in json.dumps(credentials.full_config(connector))


def test_update_with_another_type_needs_its_config(make_connector, workspace, catalog):
    make_connector(name="warehouse")
    with pytest.raises(CommandError, match="--type needs the new kind's config"):
        run("update_connector", "--workspace", workspace.slug, "warehouse", "--type", "HttpData")
