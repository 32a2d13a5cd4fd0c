"""Fixtures for sync tests: the real ``sample-data`` kind, connectors ready to sync, and a way to
run a sync to its end in the test process (task runs handed on are run one after the other)."""

import json

import pytest

from connectors import services
from connectors.lifecycle import State
from connectors.models import Connector
from connectors.tasks import check_connector
from registry.sources.installed import KINDS_DIR
from syncs import engine
from syncs import services as sync_services
from syncs.engine import runner
from syncs.models import ACTIVE_STATUSES, Sync, SyncTrigger
from tests.servers.celery_worker import celery_processes  # noqa: F401 (a fixture)
from tests.servers.redis import redis_server  # noqa: F401 (a fixture)

SAMPLE_SPEC = json.loads((KINDS_DIR / "sample_data" / "ui-config.json").read_text())


@pytest.fixture
def sample_definition(make_definition):
    return make_definition(
        connector_id="sample-data",
        implementation="sample-data",
        ui_spec=SAMPLE_SPEC,
        name="Sample Data",
        category="Sample",
    )


@pytest.fixture
def make_sample_connector(workspace, owner, sample_definition):
    """A sample-data connector whose real check has passed (state running)."""

    def make(name="sample", schedule=None, **config):
        connector = services.connector_create(
            actor=owner,
            workspace=workspace,
            definition=sample_definition,
            name=name,
            config=config,
            schedule=schedule,
        )
        check_connector(str(connector.pk), str(connector.check_token))
        connector.refresh_from_db()
        assert connector.state == State.RUNNING, connector.state_reason
        return connector

    return make


@pytest.fixture
def sync_to_end(owner):
    """Trigger a sync and run it in this process, task run after task run, until it ends."""

    def run(connector, *, full=False, max_runs=1000) -> Sync:
        sync = sync_services.sync_trigger(
            actor=owner, connector=connector, trigger=SyncTrigger.MANUAL, full=full
        )
        runs = 0
        while sync.status in ACTIVE_STATUSES:
            runs += 1
            assert runs <= max_runs, "the sync never ended"
            engine.run(sync.pk)
            sync.refresh_from_db()
        sync.task_runs = runs
        return sync

    return run


SCRIPTED_SPEC = {
    "schema": {
        "type": "object",
        "properties": {
            "token": {"type": "string", "title": "Token", "writeOnly": True},
            "items": {"type": "array", "title": "Items"},
        },
    }
}


@pytest.fixture
def scripted_connector(workspace, owner, make_definition, monkeypatch):
    """A running connector whose reader is ``reader_class`` (a test's own Source subclass)."""

    definition = make_definition(
        connector_id="scripted", implementation="scripted", ui_spec=SCRIPTED_SPEC
    )

    def make(reader_class, name="scripted", **config):
        installed = runner.implementation
        monkeypatch.setattr(
            runner,
            "implementation",
            lambda name: reader_class if name == "scripted" else installed(name),
        )
        connector = services.connector_create(
            actor=owner, workspace=workspace, definition=definition, name=name, config=config
        )
        Connector.objects.filter(pk=connector.pk).update(state=State.RUNNING, check_token=None)
        connector.refresh_from_db()
        return connector

    return make
