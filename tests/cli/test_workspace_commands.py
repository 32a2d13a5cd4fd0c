import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tenancy.models import Collection, Space, Workspace

pytestmark = pytest.mark.database


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_workspace_space_collection_round_trip(db):
    created = json.loads(run("create_workspace", "team-a", "--name", "Team A", "--json"))
    assert created["slug"] == "team-a"
    assert "team-a" in run("list_workspaces")
    run("create_space", "--workspace", "team-a", "Research")
    collection = json.loads(
        run("create_collection", "--workspace", "team-a", "--space", "Research", "Papers", "--json")
    )
    listed = json.loads(run("list_collections", "--workspace", "team-a", "--json"))
    assert [c["name"] for c in listed] == ["Papers"]
    assert listed[0]["space"] == "Research"
    with pytest.raises(CommandError, match="still has collections"):
        run("delete_space", "--workspace", "team-a", "Research", "--yes")
    run("delete_collection", "--workspace", "team-a", collection["id"], "--yes")
    run("delete_space", "--workspace", "team-a", "Research", "--yes")
    assert not Space.objects.exists() and not Collection.objects.exists()
    run("delete_workspace", "team-a", "--yes")
    assert not Workspace.objects.filter(slug="team-a").exists()


def test_human_listing_is_an_aligned_table(workspace, space):
    run("create_space", "--workspace", workspace.slug, "A much longer space name")
    lines = run("list_spaces", "--workspace", workspace.slug).splitlines()
    assert lines[0].startswith("NAME")
    id_columns = {
        line.index(str(s.pk))
        for line in lines[1:]
        for s in Space.objects.all()
        if str(s.pk) in line
    }
    assert len(id_columns) == 1


def test_bad_slug_names_the_field(db):
    with pytest.raises(CommandError, match="slug"):
        run("create_workspace", "Not A Slug")
    assert not Workspace.objects.exists()


def test_delete_without_yes_refuses_when_not_interactive(workspace, monkeypatch):
    monkeypatch.setattr("sys.stdin", StringIO(""))
    with pytest.raises(CommandError, match="--yes"):
        run("delete_workspace", workspace.slug)
    assert Workspace.objects.filter(pk=workspace.pk).exists()


def test_unknown_workspace_is_one_clear_error(cli):
    result = cli("list_spaces", "--workspace", "ghost")
    assert result.returncode == 1
    assert result.stderr.strip() == "CommandError: Workspace 'ghost' does not exist."
