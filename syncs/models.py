import uuid
from pathlib import PurePosixPath

from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from connectors.models import Connector
from syncs.feed import stamps
from tenancy.models import Collection


class SyncStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    CANCELLING = "cancelling", "Cancelling"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_STATUSES = (SyncStatus.QUEUED, SyncStatus.RUNNING, SyncStatus.CANCELLING)
FINISHED_STATUSES = (SyncStatus.SUCCEEDED, SyncStatus.FAILED, SyncStatus.CANCELLED)


class SyncTrigger(models.TextChoices):
    MANUAL = "manual", "Manual"
    API = "api", "API"
    SCHEDULE = "schedule", "Schedule"
    ASSOCIATION = "association", "Association"


class ErrorOrigin(models.TextChoices):
    SOURCE = "source", "Source"
    CONFIG = "config", "Configuration"
    WORKER = "worker", "Worker"
    SYSTEM = "system", "System"


class Sync(models.Model):
    """One run of a connector: the record a user watches and the APIs report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="syncs")
    collection = models.ForeignKey(
        Collection, null=True, blank=True, on_delete=models.SET_NULL, related_name="syncs"
    )
    trigger = models.CharField(max_length=12, choices=SyncTrigger.choices)
    status = models.CharField(max_length=12, choices=SyncStatus.choices, default=SyncStatus.QUEUED)
    full = models.BooleanField(default=False, help_text="List the whole source and prune.")

    documents_seen = models.PositiveIntegerField(default=0)
    documents_created = models.PositiveIntegerField(default=0)
    documents_updated = models.PositiveIntegerField(default=0)
    documents_unchanged = models.PositiveIntegerField(default=0)
    documents_deleted = models.PositiveIntegerField(default=0)
    documents_failed = models.PositiveIntegerField(default=0)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    checkpoint = models.JSONField(null=True, blank=True)

    error_origin = models.CharField(max_length=10, choices=ErrorOrigin.choices, blank=True)
    error_type = models.CharField(max_length=100, blank=True)
    error_message = models.TextField(blank=True)
    error_retryable = models.BooleanField(null=True, blank=True)

    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next attempt may start (after a lost worker)."
    )
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-queued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["connector"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="one_active_sync_per_connector",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SyncStatus.values), name="sync_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(trigger__in=SyncTrigger.values), name="sync_trigger_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["connector", "-queued_at", "id"]),
            models.Index(fields=["status", "heartbeat_at"]),
            models.Index(fields=["finished_at"]),
        ]

    def __str__(self):
        return f"Sync {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return 100 if self.status == SyncStatus.SUCCEEDED else None
        return min(100, int(self.progress_done * 100 / self.progress_total))


class SyncPart(models.Model):
    """One part of a sync whose read of the whole source runs on several workers at once
    (``syncs.engine.parts``): its own lease, heartbeat and checkpoint under the one sync."""

    class State(models.TextChoices):
        WAITING = "waiting", "Reading or waiting for a worker"
        DONE = "done", "Read"
        STOPPED = "stopped", "Stopped with its sync"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sync = models.ForeignKey(Sync, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING)
    #: The part's reader cursor: where its next task run goes on from.
    checkpoint = models.JSONField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0, help_text="Documents this part stored.")
    lost = models.PositiveSmallIntegerField(default=0, help_text="Times its worker was lost.")
    lease_token = models.UUIDField(null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sync", "number"]
        constraints = [
            models.UniqueConstraint(fields=["sync", "number"], name="one_part_number_per_sync"),
        ]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self):
        return f"Part {self.number} of sync {self.sync_id} ({self.state})"


class AttemptOutcome(models.TextChoices):
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    RETRIED = "retried", "Temporary error, retried"
    WORKER_LOST = "worker_lost", "Worker lost"


class SyncAttempt(models.Model):
    """One try of a sync: from a worker taking it up to its end, a temporary error retried in
    place, or its worker being lost (then the next attempt resumes from the checkpoint)."""

    sync = models.ForeignKey(Sync, on_delete=models.CASCADE, related_name="attempt_records")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=12, choices=AttemptOutcome.choices, default=AttemptOutcome.RUNNING
    )
    reason = models.TextField(blank=True, help_text="Why the attempt ended.")
    documents_before = models.PositiveIntegerField(
        default=0, help_text="The sync's documents seen when the attempt started."
    )
    documents = models.PositiveIntegerField(
        default=0, help_text="Documents the attempt stored (seen), once it ended."
    )

    class Meta:
        ordering = ["sync", "number"]
        constraints = [
            models.UniqueConstraint(fields=["sync", "number"], name="sync_attempt_unique_number")
        ]

    def __str__(self):
        return f"Attempt {self.number} of {self.sync_id}"

    @property
    def stored(self) -> int:
        return documents_stored(
            self.outcome, self.documents, self.documents_before, self.sync.documents_seen
        )


def documents_stored(outcome: str, documents: int, documents_before: int, seen: int) -> int:
    """Documents an attempt stored: while it runs, counted live from its sync's ``seen``."""
    if outcome == AttemptOutcome.RUNNING:
        return max(0, seen - documents_before)
    return documents


class SyncLogLine(models.Model):
    """A line of a sync's log a user can read; the engine keeps a bounded number per sync."""

    class Level(models.TextChoices):
        INFO = "info", "Info"
        WARNING = "warning", "Warning"
        ERROR = "error", "Error"

    sync = models.ForeignKey(Sync, on_delete=models.CASCADE, related_name="log_lines")
    at = models.DateTimeField(default=timezone.now)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.INFO)
    message = models.TextField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["sync", "at", "id"])]

    def __str__(self):
        return self.message[:80]


class Document(models.Model):
    """What a connector's syncs imported; a collection shows its associated connectors' ones."""

    # No foreign-key constraint or index of its own in the database: the per-row constraint
    # check cost more than the rest of an insert (see bench/sync_postgres.py), and the indexes
    # below start with the connector. Documents are written only inside their connector's lease
    # transaction (its row locked) and removed with it (``syncs.tasks.purge_connector``).
    connector = models.ForeignKey(
        Connector,
        on_delete=models.CASCADE,
        related_name="documents",
        db_constraint=False,
        db_index=False,
    )
    external_id = models.CharField(max_length=1024)
    title = models.TextField(blank=True)
    url = models.TextField(blank=True)
    mime_type = models.CharField(max_length=200, blank=True)
    content = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64)
    metadata = models.JSONField(default=dict, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    source_created_at = models.DateTimeField(null=True, blank=True)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    last_pass_id = models.UUIDField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Where the document's latest change stands in the change feed (``syncs.feed.stamps``): set
    # by every write that changes what a consumer sees, not by marking it seen again.
    change_stamp = models.BigIntegerField(
        default=stamps.for_insert, db_default=stamps.ColumnDefault(), editable=False
    )
    changed_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connector", "external_id"], name="document_unique_external_id"
            ),
        ]
        indexes = [
            models.Index(fields=["connector", "id"]),
            models.Index(fields=["connector", "change_stamp", "id"], name="document_changes_idx"),
            models.Index(
                fields=["deleted_at"],
                condition=Q(deleted_at__isnull=False),
                name="document_deleted_idx",
            ),
        ]

    def __str__(self):
        return self.title or self.external_id


class ListedKey(models.Model):
    """An id the source listed, without content, during a pass: what the pass's listing names is
    still in the source, so a stored document it does not name is gone (see ``Batch.listing``)."""

    pk = models.CompositePrimaryKey("connector_id", "pass_id", "external_id")
    connector = models.ForeignKey(
        Connector, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    pass_id = models.UUIDField()
    external_id = models.CharField(max_length=1024)

    def __str__(self):
        return self.external_id


class ChangeClock(models.Model):
    """One row. ``value`` is the SQLite stamp clock (``syncs.feed.stamps``); ``purged_through`` the
    newest stamp of a change removed for good (a tombstone past its retention, a connector's
    ended time in a collection): a cursor that has not read past it gets a 410."""

    value = models.BigIntegerField(default=0)
    purged_through = models.BigIntegerField(default=-1)

    def __str__(self):
        return f"Change clock at {self.value}"


class CollectionMembership(models.Model):
    """A connector's time in a collection, as the change feed sees it: its documents join the
    collection's feed at ``started_stamp`` (as upserts) and leave it at ``ended_stamp`` (as
    deletes). Mirrors ``ConnectorCollection``, whose services open and close these rows."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="+")
    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="+")
    started_stamp = models.BigIntegerField(
        default=stamps.for_insert, db_default=stamps.ColumnDefault(), editable=False
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_stamp = models.BigIntegerField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "connector"],
                condition=Q(ended_stamp__isnull=True),
                name="membership_one_open_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["collection", "ended_stamp"], name="membership_by_end_idx")]

    def __str__(self):
        return f"{self.connector_id} in {self.collection_id}"


def _upload_path(instance: "UploadedFile", filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()[:16]
    return f"uploads/{instance.connector_id}/{instance.sha256[:2]}/{instance.sha256}{suffix}"


class UploadedFile(models.Model):
    """A file given to an ``upload`` connector; its reader turns each one into a document.
    Content-addressed per connector: the same bytes uploaded twice are stored once."""

    connector = models.ForeignKey(
        Connector, on_delete=models.CASCADE, related_name="uploaded_files"
    )
    sha256 = models.CharField(max_length=64)
    name = models.CharField(max_length=255, help_text="The name the file was uploaded with.")
    size = models.PositiveBigIntegerField()
    mime_type = models.CharField(max_length=200)
    file = models.FileField(upload_to=_upload_path, max_length=500)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["connector", "sha256"], name="uploaded_file_unique"),
        ]

    def __str__(self):
        return self.name


@receiver(post_delete, sender=UploadedFile)
def _remove_stored_file(sender, instance: UploadedFile, **kwargs):
    """Deleting the row (directly or with its connector) removes the stored original."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


class DocumentCount(models.Model):
    """How many live (not deleted) documents a connector has. Kept by every writer of documents
    (``syncs.document_stats``), so that pages never count documents per request."""

    connector = models.OneToOneField(
        Connector, primary_key=True, on_delete=models.CASCADE, related_name="document_count"
    )
    live = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.connector_id}: {self.live} documents"


class DocumentDay(models.Model):
    """How many documents a connector's syncs imported (created, or brought back after a
    deletion) on one day of ``TIME_ZONE``; the dashboard's chart sums these."""

    connector = models.ForeignKey(Connector, on_delete=models.CASCADE, related_name="document_days")
    day = models.DateField()
    imported = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connector", "day"], name="document_day_unique"),
        ]
        indexes = [models.Index(fields=["day", "connector"])]

    def __str__(self):
        return f"{self.connector_id} {self.day}: {self.imported}"
