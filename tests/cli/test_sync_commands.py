import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from connectors.lifecycle import State
from connectors.models import Connector
from syncs.models import Sync, SyncStatus

pytestmark = pytest.mark.database


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def running(make_connector):
    connector = make_connector(name="feed")
    Connector.objects.filter(pk=connector.pk).update(state=State.RUNNING, check_token=None)
    connector.refresh_from_db()
    return connector


def test_run_list_show_cancel(running, workspace):
    queued = json.loads(run("run_sync", "--workspace", workspace.slug, "feed", "--json"))
    assert queued["status"] == SyncStatus.QUEUED
    assert queued["trigger"] == "manual"
    listed = json.loads(
        run("list_syncs", "--workspace", workspace.slug, "--connector", "feed", "--json")
    )
    assert [s["id"] for s in listed] == [queued["id"]]
    shown = json.loads(run("show_sync", "--workspace", workspace.slug, queued["id"], "--json"))
    assert shown["documents"]["seen"] == 0
    with pytest.raises(CommandError, match="already"):
        run("run_sync", "--workspace", workspace.slug, "feed")
    assert "cancelled" in run("cancel_sync", "--workspace", workspace.slug, "--connector", "feed")
    assert Sync.objects.get(pk=queued["id"]).status == SyncStatus.CANCELLED
    with pytest.raises(CommandError, match="no active sync"):
        run("cancel_sync", "--workspace", workspace.slug, "--connector", "feed")


def test_sync_of_another_workspace_is_not_found(running, other_workspace, workspace):
    queued = json.loads(run("run_sync", "--workspace", workspace.slug, "feed", "--json"))
    with pytest.raises(CommandError, match="Sync not found"):
        run("show_sync", "--workspace", other_workspace.slug, queued["id"])
