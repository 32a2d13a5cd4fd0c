import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from registry.models import ConnectorDefinition, DefinitionStatus
from tests.registry.packages import make_tar, make_zip, package_files

pytestmark = pytest.mark.database


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_register_draft_promote_retire(catalog, tmp_path):
    archive = tmp_path / "postgres-2.0.0.tgz"
    archive.write_bytes(make_tar(package_files(version="2.0.0"), gzip=True))
    assert "as a Draft" in run("register_connector", str(archive), "--draft")
    drafts = json.loads(run("list_definitions", "--status", "Draft", "--json"))
    assert [d["id"] for d in drafts] == ["postgres-connector-2.0.0"]
    shown = json.loads(run("show_definition", "postgres-connector-2.0.0", "--json"))
    assert "schema" in shown["ui_spec"]
    assert "Live" in run("promote_definition", "postgres-connector-2.0.0")
    assert (
        ConnectorDefinition.objects.get(registry_id="postgres-connector-1.1.0").status
        == DefinitionStatus.RETIRED
    )
    assert "Retired" in run("retire_definition", "postgres-connector-2.0.0")


def test_register_publishes_by_default(catalog, tmp_path):
    archive = tmp_path / "pkg.zip"
    archive.write_bytes(make_zip(package_files(version="3.0.0")))
    assert "published" in run("register_connector", str(archive))
    live = json.loads(
        run("list_definitions", "--status", "Live", "--category", "Database", "--json")
    )
    assert "postgres-connector-3.0.0" in [d["id"] for d in live]


def test_a_hostile_archive_is_refused_and_stores_nothing(catalog, tmp_path):
    files = package_files(version="4.0.0")
    files["../escape.txt"] = b"x"
    archive = tmp_path / "evil.zip"
    archive.write_bytes(make_zip(files))
    before = ConnectorDefinition.objects.count()
    with pytest.raises(CommandError):
        run("register_connector", str(archive))
    assert ConnectorDefinition.objects.count() == before


def test_unknown_definition_is_an_error(db):
    with pytest.raises(CommandError, match="Connector not found: nope-1.0.0"):
        run("show_definition", "nope-1.0.0")


def test_load_catalog_is_idempotent(db):
    first = run("load_catalog")
    second = run("load_catalog")
    assert first != second
    assert ConnectorDefinition.objects.filter(status=DefinitionStatus.LIVE).count() >= 16
