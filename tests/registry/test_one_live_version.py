"""At most one Live version per connector type, held by the database itself: a second Live row is
refused whatever writes it, and the migration that added the rule first retired the duplicates
that could exist before it."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from registry.models import ConnectorDefinition, DefinitionStatus

pytestmark = pytest.mark.database

BEFORE_RULE = [("connectors", "0001_initial")]


def test_a_second_live_version_of_a_type_is_refused(make_definition):
    make_definition(connector_id="one-live", version="1.0.0")
    make_definition(connector_id="one-live", version="0.9.0", status=DefinitionStatus.RETIRED)
    make_definition(connector_id="one-live", version="2.0.0", status=DefinitionStatus.DRAFT)
    make_definition(connector_id="other-type", version="1.0.0")  # another type: its own Live

    with pytest.raises(IntegrityError), transaction.atomic():
        make_definition(connector_id="one-live", version="3.0.0")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConnectorDefinition.objects.filter(connector_id="one-live", version="2.0.0").update(
            status=DefinitionStatus.LIVE
        )


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_newest_live_version_and_retires_the_others():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_RULE)
    old = executor.loader.project_state(BEFORE_RULE).apps.get_model(
        "connectors", "ConnectorDefinition"
    )
    now = timezone.now()
    rows = {
        ("dup", "1.0.0"): ("Live", now - timedelta(days=3)),
        ("dup", "3.0.0"): ("Live", now - timedelta(days=1)),  # published last: stays Live
        ("dup", "2.0.0"): ("Live", now - timedelta(days=2)),
        ("dup", "4.0.0"): ("Live", None),
        ("dup", "5.0.0"): ("Draft", None),
        ("alone", "1.0.0"): ("Live", now - timedelta(days=9)),
    }
    for (connector_id, version), (status, live_date) in rows.items():
        old.objects.create(
            connector_id=connector_id,
            version=version,
            registry_id=f"{connector_id}-{version}",
            name=connector_id,
            implementation="sample-data",
            status=status,
            live_date=live_date,
        )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    statuses = dict(
        ConnectorDefinition.objects.values_list("registry_id", "status").order_by("registry_id")
    )
    assert statuses == {
        "alone-1.0.0": "Live",
        "dup-1.0.0": "Retired",
        "dup-2.0.0": "Retired",
        "dup-3.0.0": "Live",
        "dup-4.0.0": "Retired",
        "dup-5.0.0": "Draft",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        ConnectorDefinition.objects.filter(registry_id="dup-5.0.0").update(status="Live")
