"""Routing: sync task runs go to the "syncs" queue, everything short (checks, schedule ticks,
liveness, retention, purges) to "quick", on a real Redis broker with no worker consuming."""

import pytest

from config.celery import app
from connectors import services
from ops.metrics import queue_depths
from syncs import services as sync_services
from syncs.models import SyncTrigger
from tests.servers.celery_worker import broker_of_this_process, purge_broker

pytestmark = pytest.mark.database

QUICK_TASKS = (
    "connectors.tasks.check_connector",
    "syncs.tasks.scheduled_sync",
    "syncs.tasks.check_liveness",
    "ops.tasks.purge_expired",
    "syncs.tasks.purge_connector",
)


def test_every_task_but_run_sync_is_routed_to_the_quick_queue():
    router = app.amqp.router
    assert router.route({}, "syncs.tasks.run_sync")["queue"].name == "syncs"
    for name in QUICK_TASKS:
        assert router.route({}, name)["queue"].name == "quick", name


@pytest.mark.django_db(transaction=True)  # messages are sent once the services commit
def test_a_check_waits_in_quick_and_a_sync_in_syncs(redis_server, make_sample_connector, owner):
    with broker_of_this_process(redis_server.url):
        purge_broker(redis_server.url)
        connector = make_sample_connector(name="routed")  # check ran inline; its message waits
        assert queue_depths() == {"syncs": 0, "quick": 1}
        services.connector_update(actor=owner, connector=connector, config={"document_count": 5})
        assert queue_depths() == {"syncs": 0, "quick": 2}  # an edit re-checks
        connector.refresh_from_db()
        from connectors.tasks import check_connector

        check_connector(str(connector.pk), str(connector.check_token))
        sync_services.sync_trigger(actor=owner, connector=connector, trigger=SyncTrigger.API)
        assert queue_depths() == {"syncs": 1, "quick": 2}
        purge_broker(redis_server.url)
