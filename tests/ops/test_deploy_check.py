"""``manage.py check --deploy`` is clean with production settings from the environment alone, and
production refuses to start without its keys and services."""

import os
import secrets

from tests.servers.manage import run_manage


def production_env(tmp_path, **overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CONNECTOR_HUB_", "SECURE_", "DJANGO_"))
        and key not in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CONNECTOR_HUB_PRODUCTION="true",
        CONNECTOR_HUB_VAR_DIR=str(tmp_path / "var"),
        SECRET_KEY=secrets.token_urlsafe(50),
        CONNECTOR_HUB_ENCRYPTION_KEYS="uxxKpFjEalLh0qdYii8kmDQdHe7yuKen9_Jfa9SVuZQ=",
        ALLOWED_HOSTS="hub.example.com",
        DATABASE_URL="postgres://hub:secret@db.internal:5432/hub",
        CELERY_BROKER_URL="redis://redis.internal:6379/0",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def test_deploy_check_is_clean_in_production(tmp_path):
    result = run_manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert not (tmp_path / "var" / "secret_key").exists()  # nothing generated locally


def test_deploy_check_fails_when_a_production_setting_is_turned_off(tmp_path):
    env = production_env(tmp_path, SECURE_HSTS_SECONDS="0", SESSION_COOKIE_SECURE="false")
    result = run_manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W012" in result.stderr


def test_production_refuses_to_start_without_its_keys_and_services(tmp_path):
    env = production_env(tmp_path, SECRET_KEY=None, CONNECTOR_HUB_ENCRYPTION_KEYS=None)
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "needs these environment variables: SECRET_KEY, CONNECTOR_HUB_ENCRYPTION_KEYS" in (
        result.stderr
    )
    assert not (tmp_path / "var" / "secret_key").exists()


def test_the_proxy_ssl_header_is_opt_in(tmp_path):
    show = "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER'))"
    plain = run_manage(production_env(tmp_path), "shell", "-c", show)
    assert plain.stdout.strip().endswith("None"), plain.stderr
    proxied = run_manage(
        production_env(tmp_path, CONNECTOR_HUB_PROXY_SSL_HEADER="X-Forwarded-Proto"),
        "shell",
        "-c",
        show,
    )
    assert proxied.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')"), proxied.stderr
