import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tenancy.models import ApiKey

pytestmark = pytest.mark.database


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_create_list_revoke(workspace):
    raw_key = (
        run("create_api_key", "--workspace", workspace.slug, "--name", "etl")
        .strip()
        .splitlines()[-1]
    )
    prefix = raw_key.split(".")[0]
    listed = json.loads(run("list_api_keys", "--workspace", workspace.slug, "--json"))
    assert [k["prefix"] for k in listed] == [prefix]
    assert raw_key not in json.dumps(listed)
    run("revoke_api_key", "--workspace", workspace.slug, prefix)
    assert not ApiKey.objects.is_valid(raw_key)
    assert json.loads(run("list_api_keys", "--workspace", workspace.slug, "--json")) == []
    assert (
        len(json.loads(run("list_api_keys", "--workspace", workspace.slug, "--all", "--json"))) == 1
    )


def test_revoking_an_unknown_prefix_is_an_error(workspace):
    with pytest.raises(CommandError, match="No API key"):
        run("revoke_api_key", "--workspace", workspace.slug, "nope")
