"""Reads of syncs and documents."""

from django.db.models import QuerySet

from connectors.models import Collection, Connector
from syncs.models import Document, Sync


def syncs_of(connector: Connector) -> QuerySet[Sync]:
    return Sync.objects.filter(connector=connector).order_by("-queued_at", "-id")


def latest_sync(connector: Connector) -> Sync | None:
    return syncs_of(connector).first()


def documents_of_connector(connector: Connector) -> QuerySet[Document]:
    return Document.objects.filter(connector=connector, deleted_at__isnull=True)


def documents_of_collection(collection: Collection) -> QuerySet[Document]:
    """A collection's documents are those of the connectors associated with it."""
    return Document.objects.filter(
        connector__associations__collection=collection,
        connector__deleted_at__isnull=True,
        deleted_at__isnull=True,
    )
