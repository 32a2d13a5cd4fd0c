"""``bootstrap_demo`` (what ``make run`` runs before serving) ends with a framed block: the
address, the login, and the secrets only when they were just created."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _block(monkeypatch, port: str) -> list[str]:
    monkeypatch.setenv("WEB_PORT", port)
    out = StringIO()
    call_command("bootstrap_demo", stdout=out, no_color=True)
    return out.getvalue().strip().splitlines()


def test_the_block_names_the_address_and_the_login(monkeypatch):
    lines = _block(monkeypatch, "8123")
    assert lines[0] == lines[-1] and set(lines[0]) == {"+", "-"}
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines[1:-1])
    assert len({len(line) for line in lines}) == 1
    assert "http://127.0.0.1:8123/" in lines[1]
    password = lines[2].split("password ")[1].split(" ")[0]
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert "API key for workspace demo" in lines[3]
    assert "changepassword admin" in lines[4] and "create_api_key --workspace demo" in lines[5]

    again = "\n".join(_block(monkeypatch, "8000"))
    assert "http://127.0.0.1:8000/" in again and password not in again
    assert "changepassword admin" in again and "API key" not in again
