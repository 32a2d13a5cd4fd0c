"""How syncs follow a connector's life (``connectors.signals``): its schedule, its active and
queued syncs, its collections' feeds and its documents, in the connector's own transaction."""

from django.db import transaction
from django.dispatch import receiver

from connectors import signals
from connectors.lifecycle import State
from syncs import document_stats, scheduling, start_rules
from syncs import services as sync_services
from syncs.feed.memberships import membership_open, memberships_close


@receiver(signals.schedule_set)
def apply_schedule(sender, *, connector, schedule, **kwargs):
    scheduling.apply(connector, schedule)


@receiver(signals.state_entered)
def follow_state(sender, *, actor, connector, state, **kwargs):
    scheduling.set_enabled(connector, state == State.RUNNING)
    if state in (State.STOPPED, State.FAILED):
        sync_services.sync_cancel_active(
            actor=actor, connector=connector, reason=f"The connector was {state}."
        )


@receiver(signals.source_replaced)
def stop_reading(sender, *, actor, connector, reason, **kwargs):
    sync_services.sync_cancel_active(actor=actor, connector=connector, reason=reason)


@receiver(signals.created)
def first_import(sender, *, actor, connector, import_now, **kwargs):
    start_rules.connector_created(actor=actor, connector=connector, import_now=import_now)


@receiver(signals.deleting)
def stop_everything(sender, *, actor, connector, **kwargs):
    sync_services.sync_cancel_active(
        actor=actor, connector=connector, reason="The connector was deleted."
    )
    scheduling.remove(connector)
    memberships_close(actor=actor, connector=connector, reason="connector_deleted")


@receiver(signals.deleted)
def purge_documents(sender, *, connector, **kwargs):
    from syncs.tasks import purge_connector

    document_stats.forget(connector.pk)
    connector_pk = str(connector.pk)
    transaction.on_commit(lambda: purge_connector.delay(connector_pk))


@receiver(signals.check_failed)
def fail_queued(sender, *, connector, error, **kwargs):
    sync_services.sync_fail_queued(connector=connector, reason=error)


@receiver(signals.check_passed)
def release_queued(sender, *, connector, **kwargs):
    start_rules.check_passed(connector=connector)


@receiver(signals.joined)
def open_membership(sender, *, actor, connector, collection, **kwargs):
    membership_open(actor=actor, connector=connector, collection=collection)


@receiver(signals.associated)
def import_on_association(sender, *, actor, connector, collection, **kwargs):
    start_rules.connector_associated(actor=actor, connector=connector, collection=collection)


@receiver(signals.left)
def close_membership(sender, *, actor, connector, collection, **kwargs):
    memberships_close(
        actor=actor, connector=connector, collection=collection, reason="connector_dissociated"
    )
