"""The Dockerfile and compose.yaml cannot run here (no Docker engine): these checks read them
against the code, so a renamed module, queue or setting cannot leave them silently wrong."""

import re
from pathlib import Path

import yaml
from django.conf import settings

from config.media import media_storage

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
APP_SERVICES = ("migrate", "web", "worker-syncs", "worker-quick", "beat")


def instructions(name: str) -> list[str]:
    return re.findall(rf"^{name}\s+(.*)$", DOCKERFILE, re.M)


def test_dockerfile_is_multi_stage_and_runs_unprivileged():
    assert len(instructions("FROM")) == 2 and " AS build" in instructions("FROM")[0]
    assert "--from=build" in DOCKERFILE
    (user,) = instructions("USER")
    assert user not in ("root", "0")
    assert DOCKERFILE.index("USER") > DOCKERFILE.rindex("RUN ")  # nothing runs as root after
    assert "collectstatic" in DOCKERFILE
    assert '"config/gunicorn.py"' in instructions("CMD")[0]
    assert "/healthz" in instructions("HEALTHCHECK")[0] or "/healthz" in DOCKERFILE


def test_dockerfile_copies_every_local_app_and_what_they_need():
    copied = {line.split()[0].rstrip("/") for line in instructions("COPY") if "--from" not in line}
    local_apps = {app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()}
    assert local_apps | {"config", "templates", "static", "manage.py"} <= copied
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "var", ".git", ".env"} <= set(ignored)


def test_compose_runs_the_whole_topology_with_health_checks_and_volumes():
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "redis", "minio", "media-bucket", *APP_SERVICES}
    for name in ("postgres", "redis", "minio", "web", "worker-syncs", "worker-quick", "beat"):
        assert services[name]["healthcheck"]["test"], name
    for name in ("web", "worker-syncs", "worker-quick", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert services[name]["environment"]["CONNECTOR_HUB_PRODUCTION"] == "true"
    assert {"postgres", "redis", "media"} <= set(COMPOSE["volumes"])
    assert "migrate" in services["migrate"]["command"][-1]
    assert services["migrate"]["depends_on"]["media-bucket"]["condition"] == (
        "service_completed_successfully"
    )


def test_compose_app_containers_share_no_volume_and_keep_media_in_the_bucket():
    services = COMPOSE["services"]
    for name in APP_SERVICES:
        assert not services[name].get("volumes"), name
        environment = services[name]["environment"]
        storage = media_storage(
            environment["CONNECTOR_HUB_MEDIA_URL"],
            access_key_id=environment["CONNECTOR_HUB_MEDIA_ACCESS_KEY_ID"],
            secret_access_key=environment["CONNECTOR_HUB_MEDIA_SECRET_ACCESS_KEY"],
        )
        assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
        assert storage["OPTIONS"]["bucket_name"] in services["media-bucket"]["entrypoint"][-1]
        assert storage["OPTIONS"]["endpoint_url"] == "http://minio:9000"


def test_compose_workers_consume_the_queues_the_settings_route_to():
    queues = set()
    for name in ("worker-syncs", "worker-quick"):
        command = services_command(name)
        queues |= set(command[command.index("-Q") + 1].split(","))
    assert queues == {queue.name for queue in settings.CELERY_TASK_QUEUES}
    stack = (ROOT / "deploy" / "Procfile.stack").read_text()
    assert {q for q in re.findall(r"-Q (\S+)", stack)} == queues


def test_health_check_snippets_are_valid_python_and_settings_exist():
    names = set(re.findall(r"\b(CONNECTOR_HUB_[A-Z_]+)", (ROOT / "compose.yaml").read_text()))
    for name in names:
        assert hasattr(settings, name), name
    for service in COMPOSE["services"].values():
        test = service.get("healthcheck", {}).get("test") or []
        if "python" in test:
            compile(test[test.index("-c") + 1], "healthcheck", "exec")


def services_command(name: str) -> list[str]:
    return COMPOSE["services"][name]["command"]
