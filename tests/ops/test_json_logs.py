"""JSON log lines (one object per line) carry the workspace, connector and sync ids on every line
logged while a task works on a sync; plain text stays the default."""

import io
import json
import logging
import uuid

import pytest
from django.conf import settings

from connectors.tasks import check_connector
from ops.logs import ContextFilter, JsonFormatter, log_context
from syncs import services as sync_services
from syncs.models import SyncLogLine, SyncStatus, SyncTrigger
from syncs.tasks import run_sync

pytestmark = pytest.mark.database


@pytest.fixture
def json_lines():
    """Everything logged meanwhile, as the production handler formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)

    def read():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield read
    root.removeHandler(handler)
    root.setLevel(previous)


def test_plain_text_is_the_default_and_json_is_a_setting():
    assert settings.CONNECTOR_HUB_LOG_FORMAT == "plain"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "plain"
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["context"]


@pytest.mark.django_db(transaction=True)  # a sync's own log lines are logged once committed
def test_every_line_of_a_sync_task_carries_its_ids(json_lines, make_sample_connector, owner):
    connector = make_sample_connector(
        name="logged", document_count=30, operations_config={"batch_size": 10}
    )
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    run_sync.apply(args=[str(sync.pk)])
    sync.refresh_from_db()
    assert sync.status == SyncStatus.SUCCEEDED
    logging.getLogger("after").info("outside any task")

    lines = json_lines()
    ids = {
        "workspace_id": str(connector.workspace_id),
        "connector_id": str(connector.pk),
        "sync_id": str(sync.pk),
    }
    during = [line for line in lines if line.get("task_name") == "syncs.tasks.run_sync"]
    assert during, lines
    for line in during:
        assert {key: line.get(key) for key in ids} == ids, line
        assert {"time", "level", "logger", "message"} <= line.keys()
    sync_log = [line["message"] for line in during if line["logger"] == "syncs.log"]
    assert sync_log[0].startswith("Started (api).")
    assert sync_log[-1] == "Finished: 30 new, 0 updated, 0 unchanged, 0 deleted."
    after = [line for line in lines if line["logger"] == "after"]
    assert after and not {"sync_id", "connector_id", "workspace_id"} & after[0].keys()


@pytest.mark.django_db
def test_connector_tasks_carry_the_connector_and_workspace(json_lines, make_sample_connector):
    connector = make_sample_connector(name="checked")
    check_connector.apply(args=[str(connector.pk), str(uuid.uuid4())])
    with log_context(connector_id="c-1"):
        logging.getLogger("inside").info("inside a block")
    lines = json_lines()
    inside = next(line for line in lines if line["logger"] == "inside")
    assert inside["connector_id"] == "c-1"
    traced = [line for line in lines if line.get("task_name") == "connectors.tasks.check_connector"]
    assert traced, lines
    for line in traced:
        assert line["connector_id"] == str(connector.pk)
        assert line["workspace_id"] == str(connector.workspace_id)


@pytest.mark.django_db(transaction=True)
def test_a_sync_log_line_written_outside_its_task_still_carries_the_ids(
    json_lines, make_sample_connector, owner
):
    connector = make_sample_connector(name="lost")
    sync = sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
    SyncLogLine.objects.create(sync=sync, level=SyncLogLine.Level.ERROR, message="Failed: lost")
    (line,) = [line for line in json_lines() if line["logger"] == "syncs.log"]
    assert line["level"] == "ERROR" and line["message"] == "Failed: lost"
    assert (line["sync_id"], line["connector_id"], line["workspace_id"]) == (
        str(sync.pk),
        str(connector.pk),
        str(connector.workspace_id),
    )
