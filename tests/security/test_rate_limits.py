"""Rate limits: per API key, per logged-in user, per address without credentials; 429 with
Retry-After; one setting switches them all off. Failed log-ins lock the username out (for that
address) on the login page and the admin's alike, with 429 and Retry-After."""

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tenancy import services

pytestmark = pytest.mark.database


@pytest.fixture
def throttled(settings):
    settings.CONNECTOR_HUB_THROTTLE_ENABLED = True
    settings.CONNECTOR_HUB_API_RATE_PER_KEY = "3/minute"
    settings.CONNECTOR_HUB_API_RATE_PER_USER = "2/minute"
    settings.CONNECTOR_HUB_API_RATE_ANONYMOUS = "2/minute"
    cache.clear()
    yield settings
    cache.clear()


def key_client(workspace, owner, name="k", **extra) -> Client:
    _, key = services.api_key_create(actor=owner, workspace=workspace, name=name, **extra)
    return Client(HTTP_X_API_KEY=key)


def test_each_key_has_its_own_budget_then_gets_429_with_retry_after(throttled, workspace, owner):
    first, second = key_client(workspace, owner, "a"), key_client(workspace, owner, "b")
    assert [first.get("/v1/spaces").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get("/connectors")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert second.get("/v1/spaces").status_code == 200  # another key, its own budget


def test_the_registry_answers_429_in_its_envelope(throttled, workspace, owner, catalog):
    client = key_client(workspace, owner)
    for _ in range(3):
        assert (
            client.post("/v2/connectors/list", {}, content_type="application/json").status_code
            == 200
        )
    refused = client.post("/v2/connectors/list", {}, content_type="application/json")
    assert refused.status_code == 429
    assert refused.json()["params"]["status"] == "FAILED"
    assert int(refused["Retry-After"]) > 0


def test_the_budget_comes_back_after_the_window(throttled, workspace, owner):
    client = key_client(workspace, owner)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            client.get("/v1/spaces")
        assert client.get("/v1/spaces").status_code == 429
        clock.shift(61)
        assert client.get("/v1/spaces").status_code == 200


def test_sessions_and_anonymous_callers_are_limited_too(throttled, workspace, owner):
    session = Client()
    session.force_login(owner)
    assert [session.get("/v1/spaces").status_code for _ in range(2)] == [200, 200]
    assert session.get("/v1/spaces").status_code == 429
    anonymous = Client()
    assert [anonymous.get("/v1/spaces").status_code for _ in range(2)] == [401, 401]
    assert anonymous.get("/v1/spaces", HTTP_X_API_KEY="").status_code in (401, 429)


def test_a_setting_switches_every_limit_off(throttled, workspace, owner):
    throttled.CONNECTOR_HUB_THROTTLE_ENABLED = False
    client = key_client(workspace, owner)
    assert {client.get("/v1/spaces").status_code for _ in range(10)} == {200}


def _log_in(client, path, username, password):
    return client.post(path, {"username": username, "password": password})


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_failed_logins_lock_the_username_out_with_429(path, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user("target", is_staff=True)
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(2):
            response = _log_in(client, path, "target", "wrong-password")
            assert response.status_code == 200  # the form again, with its error
        locked = _log_in(client, path, "target", "wrong-password")
        assert locked.status_code == 429
        assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME * 3600
        # Locked: even the right password is refused, and says nothing about it.
        right = _log_in(client, path, "target", "pw-target")
        assert right.status_code == 429
        assert "_auth_user_id" not in client.session
        other_page = "/admin/login/" if path == "/login/" else "/login/"
        assert _log_in(Client(), other_page, "target", "pw-target").status_code == 429
        # Another username from the same address is not locked.
        make_user("bystander", is_staff=True)
        assert _log_in(Client(), path, "bystander", "pw-bystander").status_code == 302
        clock.shift(settings.AXES_COOLOFF_TIME * 3600 + 1)
        after = _log_in(client, path, user.username, "pw-target")
        assert after.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)


def test_a_successful_login_resets_the_count(make_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("target")
    client = Client()
    for _ in range(2):
        _log_in(client, "/login/", "target", "wrong")
    assert _log_in(client, "/login/", "target", "pw-target").status_code == 302
    for _ in range(2):
        assert _log_in(Client(), "/login/", "target", "wrong").status_code == 200
