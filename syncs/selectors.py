"""Reads of syncs and documents."""

import uuid

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject
from django.utils import timezone

from config.compiled_read import CompiledRead
from config.rows import (
    Columns,
    IsoDateTime,
    ObjectList,
    as_datetime,
    json_objects,
)
from connectors.models import Connector, ConnectorCollection
from syncs.models import (
    Document,
    DocumentCount,
    DocumentDay,
    Sync,
    SyncAttempt,
    documents_stored,
)
from tenancy.models import Collection
from tenancy.selectors import CollectionPath


def syncs_of(connector: Connector | uuid.UUID, *, attempts_as_rows=False) -> QuerySet[Sync]:
    """Newest first, with their attempts (``attempts_as_rows``: read as plain rows in the same
    query, for ``attempts_of``; else prefetched). The checkpoint (a crawl's can hold thousands
    of URLs) is the engine's alone: no list, page or job status shows it, so none reads it."""
    syncs = (
        Sync.objects.filter(connector=connector).defer("checkpoint").order_by("-queued_at", "-id")
    )
    if attempts_as_rows:
        return syncs.annotate(attempt_rows=_ATTEMPT_ROWS)
    return syncs.prefetch_related("attempt_records")


_ATTEMPT_ROWS = ObjectList(
    SyncAttempt.objects.filter(sync=OuterRef("pk"))
    .order_by("number")
    .values(
        row=JSONObject(
            number="number",
            started_at=IsoDateTime(F("started_at")),
            finished_at=IsoDateTime(F("finished_at")),
            outcome="outcome",
            reason="reason",
            documents="documents",
            documents_before="documents_before",
        )
    )
)


def attempts_of(sync: Sync) -> list:
    """A sync's attempts, oldest first: plain rows (date-times as ``config.rows`` text) when
    read with ``syncs_of(..., attempts_as_rows=True)``, else the prefetched records."""
    rows = getattr(sync, "attempt_rows", None)
    if rows is None:
        return list(sync.attempt_records.all())
    attempts = json_objects(rows)
    for attempt in attempts:
        attempt["stored"] = documents_stored(
            attempt["outcome"],
            attempt["documents"],
            attempt["documents_before"],
            sync.documents_seen,
        )
    return attempts


def syncs_in(workspace) -> QuerySet[Sync]:
    """Syncs of the workspace's connectors (deleted ones left out), with their connector."""
    return Sync.objects.filter(
        connector__workspace=workspace, connector__deleted_at__isnull=True
    ).select_related("connector")


def latest_sync(connector: Connector) -> Sync | None:
    return syncs_of(connector).first()


# A sync as ``latest_sync_in`` reads it: every column but the checkpoint, its connector's state
# and its attempts as rows.
_SYNC_FIELDS = [field.attname for field in Sync._meta.concrete_fields if field.name != "checkpoint"]
_SYNC_DATETIMES = frozenset(
    field.attname for field in Sync._meta.concrete_fields if isinstance(field, DateTimeField)
)
_LATEST_SYNC = CompiledRead(
    Columns(
        Sync,
        _SYNC_FIELDS,
        expressions={"connector_state": F("connector__state"), "attempt_rows": _ATTEMPT_ROWS},
    ),
    lambda workspace_id, connector_id: syncs_of(connector_id).filter(
        connector__workspace_id=workspace_id, connector__deleted_at__isnull=True
    )[:1],
)


#: A sync as a page of a connector's syncs reads it: ``latest_sync_in``'s columns but the
#: connector's state.
SYNC_PAGE_COLUMNS = Columns(Sync, _SYNC_FIELDS, expressions={"attempt_rows": _ATTEMPT_ROWS})


def sync_from_row(row: dict) -> Sync:
    """A ``Sync`` of a row read with ``_SYNC_FIELDS`` and ``attempt_rows``."""
    values = [
        as_datetime(row[name]) if name in _SYNC_DATETIMES else row[name] for name in _SYNC_FIELDS
    ]
    sync = Sync.from_db(DEFAULT_DB_ALIAS, _SYNC_FIELDS, values)
    sync.attempt_rows = row["attempt_rows"]
    return sync


def latest_sync_in(workspace, connector_id: uuid.UUID) -> Sync | None:
    """The latest sync of the workspace's connector ``connector_id`` (not deleted), with the
    connector's state as ``connector_state`` and its attempts as rows (``attempts_of``): one
    query, compiled once (``CompiledRead``); ``None`` when the connector has no sync or is not
    there."""
    row = _LATEST_SYNC.first(workspace_id=workspace.pk, connector_id=connector_id)
    if row is None:
        return None
    sync = sync_from_row(row)
    sync.connector_state = row["connector_state"]
    return sync


def _kept(condition: Q) -> Case:
    """``condition`` as a CASE expression: PostgreSQL guesses half of the rows pass a CASE
    whether or not it has statistics, so that the plan of a page is the same before and after
    ANALYZE (with ``deleted_at IS NULL`` it guessed 0.5% until ANALYZE, and sorted every row
    instead of reading the id index in order)."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _of_one_connector(connector_id) -> Q | RawSQL:
    """The rows of one connector, written so that PostgreSQL reads them in the order of the
    (connector, id) index: as ``= ANY(array)`` the connector is not a constant the planner may
    drop from ``ORDER BY connector_id, id``, so only that index gives the order, never a walk of
    the primary key filtering on the connector (which statistics made it choose, and which reads
    every newer document of other connectors first)."""
    if connection.vendor != "postgresql":
        return Q(connector_id=connector_id)
    table = Document._meta.db_table
    return RawSQL(
        f'"{table}"."connector_id" = ANY(%s)', ([connector_id],), output_field=BooleanField()
    )


def documents_of_connectors(connector_ids: list) -> QuerySet[Document]:
    """The live documents of these connectors. Page them in ``document_key(connector_ids)``
    order: one connector's are read along the (connector, id) index; several connectors' along
    the id index, keeping their rows (tested by an expression no index or statistic covers, so
    that the plan does not change with statistics)."""
    live = _kept(Q(deleted_at__isnull=True))
    if len(connector_ids) == 1:
        return Document.objects.filter(_of_one_connector(connector_ids[0])).filter(live)
    return Document.objects.filter(_kept(Q(_connector_in(connector_ids), deleted_at__isnull=True)))


def _connector_in(connector_ids: list) -> Q | RawSQL:
    """``connector_id IN (...)``; on PostgreSQL one array parameter instead of one per connector
    (the same plan, much less work building and sending the query)."""
    if connection.vendor != "postgresql":
        return Q(connector_id__in=connector_ids)
    table = Document._meta.db_table
    return RawSQL(
        f'"{table}"."connector_id" = ANY(%s)', (list(connector_ids),), output_field=BooleanField()
    )


#: A document as the API lists it (``DocumentSerializer``), read as a plain row.
DOCUMENT_COLUMNS = Columns(
    Document,
    [
        "id",
        "connector_id",
        "external_id",
        "title",
        "url",
        "mime_type",
        "size",
        "metadata",
        "source_created_at",
        "source_updated_at",
        "first_seen_at",
        "last_seen_at",
    ],
)
#: With its text (``DocumentDetailSerializer``).
DOCUMENT_DETAIL_COLUMNS = Columns(Document, [*DOCUMENT_COLUMNS.names, "content"])


def document_key(connector_ids: list) -> tuple[str, ...]:
    """The order pages of ``documents_of_connectors(connector_ids)`` are read in: by id, after
    the connector when there is one (constant, and the lead of the index that gives the order)."""
    return ("connector_id", "id") if len(connector_ids) == 1 else ("id",)


def _links_of(collection: Collection | CollectionPath) -> QuerySet:
    """The links of ``collection`` (or of the collection a request's path names, read before it
    is looked up) to connectors of its workspace that are not deleted. Links never cross
    workspaces (``connector_associate``), so a link found through a path proves its collection
    is in the path's space and workspace."""
    if isinstance(collection, CollectionPath):
        return ConnectorCollection.objects.filter(
            collection_id=collection.collection_id,
            collection__space_id=collection.space_id,
            connector__workspace_id=collection.workspace_id,
            connector__deleted_at__isnull=True,
        )
    return ConnectorCollection.objects.filter(
        collection=collection,
        connector__workspace_id=collection.space.workspace_id,
        connector__deleted_at__isnull=True,
    )


_LINKED_CONNECTORS = CompiledRead(
    Columns(ConnectorCollection, ["connector_id"]),
    lambda workspace_id, space_id, collection_id: _links_of(
        CollectionPath(workspace_id, space_id, collection_id)
    ),
)


def collection_connector_ids(collection: Collection | CollectionPath) -> list:
    """The visible connectors whose documents the collection shows."""
    if not isinstance(collection, CollectionPath):
        collection = CollectionPath(
            collection.space.workspace_id, collection.space_id, collection.pk
        )
    rows = _LINKED_CONNECTORS.rows(
        workspace_id=collection.workspace_id,
        space_id=collection.space_id,
        collection_id=collection.collection_id,
    )
    return [row["connector_id"] for row in rows]


def document_of_collection(
    collection: Collection | CollectionPath, document_id: int
) -> QuerySet[Document]:
    """The live document ``document_id`` if a visible connector of the collection has it: one
    query, looked up by its primary key."""
    return Document.objects.filter(
        pk=document_id,
        deleted_at__isnull=True,
        connector_id__in=_links_of(collection).values("connector_id"),
    )


# ``document_of_collection`` through a request's path, as one row: compiled once (see
# ``CompiledRead``), for the reads by API key that go through the path unchecked.
DOCUMENT_THROUGH_PATH = CompiledRead(
    DOCUMENT_DETAIL_COLUMNS,
    lambda workspace_id, space_id, collection_id, document_id: document_of_collection(
        CollectionPath(workspace_id, space_id, collection_id), document_id
    )[:1],
)


def documents_of_collection(collection: Collection) -> QuerySet[Document]:
    """A collection's documents are those of the connectors associated with it. The connectors
    are read first (one small query) and the documents without a join: with one, the planner
    sorted the whole collection for each page until statistics existed."""
    return documents_of_connectors(collection_connector_ids(collection))


def sync_in(workspace, sync_id) -> Sync:
    """A sync of a visible connector of the workspace, by id."""
    from config.errors import NotFound
    from tenancy.selectors import as_uuid

    pk = as_uuid(sync_id)
    sync = (
        Sync.objects.filter(
            pk=pk, connector__workspace=workspace, connector__deleted_at__isnull=True
        )
        .select_related("connector")
        .prefetch_related("attempt_records")
        .first()
        if pk
        else None
    )
    if sync is None:
        raise NotFound("Sync not found.")
    return sync


# -- pages: dashboard, lists and documents ------------------------------------------------------


def active_syncs_in(workspace) -> QuerySet[Sync]:
    """Syncs queued, running or cancelling in the workspace, oldest first."""
    from syncs.models import ACTIVE_STATUSES

    return (
        Sync.objects.filter(
            connector__workspace=workspace,
            connector__deleted_at__isnull=True,
            status__in=ACTIVE_STATUSES,
        )
        .select_related("connector__definition")
        .order_by("queued_at", "id")
    )


def failed_syncs_in(workspace, since) -> QuerySet[Sync]:
    from syncs.models import SyncStatus

    return (
        Sync.objects.filter(
            connector__workspace=workspace,
            connector__deleted_at__isnull=True,
            status=SyncStatus.FAILED,
            finished_at__gte=since,
        )
        .select_related("connector")
        .order_by("-finished_at", "-id")
    )


def documents_per_day(workspace, since) -> dict:
    """``{date: count}`` of the documents the workspace's connectors imported on each day since
    ``since`` (from the counters the engine keeps: a few rows per connector, whatever the number
    of documents)."""
    from django.db.models import Sum

    rows = (
        DocumentDay.objects.filter(
            connector__workspace=workspace,
            connector__deleted_at__isnull=True,
            day__gte=timezone.localdate(since),
        )
        .values("day")
        .annotate(count=Sum("imported"))
        .order_by("day")
    )
    return {row["day"]: row["count"] for row in rows}


def document_count(connector: Connector) -> int:
    """The connector's live documents (from the counters)."""
    return (
        DocumentCount.objects.filter(connector=connector).values_list("live", flat=True).first()
        or 0
    )


def document_counts(connector_ids) -> dict:
    """``{connector id: live documents}`` for these connectors (one query; absent ones have 0)."""
    rows = DocumentCount.objects.filter(connector_id__in=list(connector_ids))
    return {row.connector_id: row.live for row in rows.only("connector_id", "live")}


def collection_document_count(collection: Collection) -> int:
    """The documents a collection shows: the live ones of its visible connectors."""
    from django.db.models import Sum

    total = DocumentCount.objects.filter(
        connector__associations__collection=collection, connector__deleted_at__isnull=True
    ).aggregate(total=Sum("live"))["total"]
    return total or 0


def with_last_sync(connectors: QuerySet) -> QuerySet:
    """Connectors annotated with the status and time of their latest sync (one query)."""
    from django.db.models import OuterRef, Subquery

    latest = Sync.objects.filter(connector=OuterRef("pk")).order_by("-queued_at", "-id")
    return connectors.annotate(
        last_sync_status=Subquery(latest.values("status")[:1]),
        last_sync_at=Subquery(latest.values("queued_at")[:1]),
    )


def document_in(workspace, document_id) -> Document:
    """A live document of a visible connector of the workspace."""
    from config.errors import NotFound

    document = (
        Document.objects.filter(
            pk=document_id,
            connector__workspace=workspace,
            connector__deleted_at__isnull=True,
            deleted_at__isnull=True,
        )
        .select_related("connector__definition")
        .first()
    )
    if document is None:
        raise NotFound("Document not found.")
    return document
