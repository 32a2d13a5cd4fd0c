"""Every write of the connectors app. Entry points call these and never write the ORM themselves."""

from connectors.services.change_kind import connector_change_kind  # noqa: F401
from connectors.services.connectors import (  # noqa: F401
    connector_associate,
    connector_check_finished,
    connector_create,
    connector_delete,
    connector_dissociate,
    connector_fail,
    connector_remove_from_collection,
    connector_restart,
    connector_start,
    connector_stop,
    connector_update,
    credentials_rotate,
)
