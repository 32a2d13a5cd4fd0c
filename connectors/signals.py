"""What a connector's life tells the apps above it, inside the transaction that changes it.

The connector services know nothing of syncs: the sync app connects its receivers to these
signals (``syncs/receivers.py``), so that a connector's schedule, its syncs and its collections'
change feeds follow the connector in the same transaction. Receivers run at once, in the order
the services send, and an error in one rolls the whole change back. (The domain events of
``config.events`` are another thing: sent after the commit, for observers.)
"""

from django.dispatch import Signal

#: ``connector``, ``schedule``: the connector's schedule is now ``schedule``.
schedule_set = Signal()

#: ``actor``, ``connector``, ``state``: the connector entered ``state`` (it may have been in it).
state_entered = Signal()

#: ``actor``, ``connector``, ``reason``: the connector reads another source now (its kind
#: changed): what it was reading must stop.
source_replaced = Signal()

#: ``actor``, ``connector``, ``import_now``: the connector was created (and associated).
created = Signal()

#: ``actor``, ``connector``: the connector is being deleted; its collections are still linked.
deleting = Signal()

#: ``connector``: the connector is deleted and linked to no collection.
deleted = Signal()

#: ``connector``, ``error``: the connector's check failed; it is about to fail.
check_failed = Signal()

#: ``connector``: the connector's check passed; it runs.
check_passed = Signal()

#: ``actor``, ``connector``, ``collection``: the connector joined the collection (sent before
#: the domain event says so).
joined = Signal()

#: ``actor``, ``connector``, ``collection``: the connector's association with the collection
#: is recorded and announced.
associated = Signal()

#: ``actor``, ``connector``, ``collection``: the connector left the collection.
left = Signal()
