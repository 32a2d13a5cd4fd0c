"""``export_documents``: the change feed as JSON Lines on standard output and the cursor to go on
from on standard error; ``--since`` goes on from it; ``--follow`` keeps polling until
interrupted. Run as real processes against the test database."""

import json
import signal
import subprocess
import sys
import threading

import pytest

from connectors import services
from tests.feed.conftest import live_view
from tests.servers.celery_worker import ROOT, service_env, wait_until

pytestmark = [pytest.mark.database, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def warehouse(make_connector, collection, owner):
    connector = make_connector(name="warehouse")
    services.connector_associate(actor=owner, connector=connector, collection=collection)
    return connector


def export(*args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "export_documents", *args],
        cwd=ROOT,
        env=service_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_an_export_and_the_next_one_from_its_cursor(warehouse, write, workspace, collection):
    write(warehouse, upsert=[f"d{i}" for i in range(7)])
    where = ["--workspace", workspace.slug, "--collection", str(collection.pk)]

    first = export(*where, "--limit", "3")
    assert first.returncode == 0, first.stderr
    lines = [json.loads(line) for line in first.stdout.splitlines()]
    assert [line["op"] for line in lines] == ["upsert"] * 7
    assert {line["document"]["id"] for line in lines} == set(live_view(collection))
    assert lines[0]["document"]["content"].startswith("The text of d")
    cursor = first.stderr.strip()
    assert "\n" not in cursor  # the cursor alone, when standard error is not a terminal

    write(warehouse, upsert=["d0"], version=2)
    write(warehouse, delete=["d1"])
    second = export(*where, "--since", cursor, "--fields", "title")
    assert second.returncode == 0, second.stderr
    changes = sorted(
        (c["op"], c["document"]["external_id"], c["document"].get("title"))
        for c in map(json.loads, second.stdout.splitlines())
    )
    assert changes == [("delete", "d1", None), ("upsert", "d0", "d0 v2")]

    third = export(*where, "--since", second.stderr.strip())
    assert (third.returncode, third.stdout) == (0, "")


def test_a_bad_cursor_or_field_is_one_line_and_exit_1(warehouse, workspace, collection):
    where = ["--workspace", workspace.slug, "--collection", str(collection.pk)]
    bad = export(*where, "--since", "not-a-cursor")
    assert bad.returncode == 1
    assert bad.stderr.strip().startswith("CommandError: cursor: This cursor was not issued")
    assert len(bad.stderr.strip().splitlines()) == 1
    unknown = export(*where, "--fields", "secret")
    assert unknown.returncode == 1 and "Unknown field(s): secret" in unknown.stderr


def test_follow_polls_until_interrupted(warehouse, write, workspace, collection):
    write(warehouse, upsert=["a"])
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "export_documents",
            "--workspace",
            workspace.slug,
            "--collection",
            str(collection.pk),
            "--follow",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=service_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    received = []
    reader = threading.Thread(
        target=lambda: received.extend(json.loads(line) for line in process.stdout), daemon=True
    )
    reader.start()
    try:
        wait_until(lambda: len(received) >= 1, timeout=60)
        write(warehouse, upsert=["b"])
        write(warehouse, delete=["a"])
        wait_until(lambda: len(received) >= 3, timeout=60)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            errors = process.stderr.read() if process.wait(timeout=60) is not None else ""
        finally:
            process.kill()  # a process that ignored the interrupt fails the test, never hangs it
        reader.join(timeout=10)
    assert process.returncode == 0, errors
    changes = [(c["op"], c["document"]["external_id"]) for c in received]
    assert changes[0] == ("upsert", "a")
    assert sorted(changes[1:]) == [("delete", "a"), ("upsert", "b")]
    last_cursor = errors.strip().splitlines()[-1]
    after = export(
        "--workspace", workspace.slug, "--collection", str(collection.pk), "--since", last_cursor
    )
    assert (after.returncode, after.stdout) == (0, "")


def test_a_progress_line_on_a_terminal(warehouse, write, workspace, collection):
    import os
    import pty

    write(warehouse, upsert=[f"d{i}" for i in range(30)])
    controller, terminal = pty.openpty()
    try:
        process = subprocess.run(
            [
                sys.executable,
                "manage.py",
                "export_documents",
                "--workspace",
                workspace.slug,
                "--collection",
                str(collection.pk),
                "--limit",
                "10",
            ],
            cwd=ROOT,
            env=service_env(),
            stdout=subprocess.PIPE,
            stderr=terminal,
            timeout=120,
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal's other end is closed: all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert process.returncode == 0
    assert len(process.stdout.splitlines()) == 30  # standard output stays JSON Lines only
    text = shown.decode()
    assert "[##############################] 100%  30 changes" in text
    assert "about 30 to read" in text
    assert text.strip().splitlines()[-1].strip().count(":") >= 1  # the cursor, last
