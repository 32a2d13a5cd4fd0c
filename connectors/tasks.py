from celery import shared_task

from connectors import credentials, services
from connectors.connection_checks import run_check
from connectors.lifecycle import State
from connectors.models import Connector


@shared_task(name="connectors.tasks.check_connector")
def check_connector(connector_id: str, check_token: str) -> None:
    """Check a starting connector against its source; a newer edit or action supersedes it."""
    connector = (
        Connector.objects.select_related("definition")
        .filter(pk=connector_id, check_token=check_token, state=State.STARTING)
        .first()
    )
    if connector is None:
        return
    error = run_check(connector.definition, credentials.full_config(connector))
    services.connector_check_finished(
        connector_id=connector_id, check_token=check_token, error=error
    )
