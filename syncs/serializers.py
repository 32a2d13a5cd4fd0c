"""How a sync and a document show: in every API family that returns them, and in the
commands' output (``syncs.management.presenters``)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fast import FastRead
from config.api.strict import StrictBooleanField, StrictSerializer
from syncs.selectors import attempts_of


class SyncCountsSerializer(FastRead, serializers.Serializer):
    seen = serializers.IntegerField(source="documents_seen")
    created = serializers.IntegerField(source="documents_created")
    updated = serializers.IntegerField(source="documents_updated")
    unchanged = serializers.IntegerField(source="documents_unchanged")
    deleted = serializers.IntegerField(source="documents_deleted")
    failed = serializers.IntegerField(source="documents_failed")


class SyncProgressSerializer(FastRead, serializers.Serializer):
    done = serializers.IntegerField(source="progress_done")
    total = serializers.IntegerField(source="progress_total", allow_null=True)
    percent = serializers.IntegerField(allow_null=True)


class SyncErrorSerializer(serializers.Serializer):
    origin = serializers.CharField(source="error_origin")
    type = serializers.CharField(source="error_type")
    message = serializers.CharField(source="error_message")
    retryable = serializers.BooleanField(source="error_retryable", allow_null=True)


class SyncAttemptSerializer(FastRead, serializers.Serializer):
    number = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField(
        help_text="running, succeeded, failed, cancelled, retried (a temporary error retried in "
        "place) or worker_lost (the next attempt resumes from the checkpoint)."
    )
    reason = serializers.CharField(help_text="Why the attempt ended.")
    documents = serializers.IntegerField(source="stored", help_text="Documents it stored.")


class SyncSerializer(FastRead, serializers.Serializer):
    id = serializers.UUIDField()
    connector_id = serializers.UUIDField()
    collection_id = serializers.UUIDField(allow_null=True)
    trigger = serializers.CharField(help_text="manual, api, schedule or association.")
    status = serializers.CharField(
        help_text="queued, running, cancelling, succeeded, failed or cancelled."
    )
    full = serializers.BooleanField(help_text="A full pass that prunes unseen documents.")
    documents = SyncCountsSerializer(source="*")
    progress = SyncProgressSerializer(source="*")
    error = serializers.SerializerMethodField()
    queued_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    heartbeat_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(
        allow_null=True, help_text="When the next attempt starts, after a lost worker."
    )
    attempts = serializers.SerializerMethodField(help_text="Each try of the sync, oldest first.")

    @extend_schema_field(SyncAttemptSerializer(many=True))
    def get_attempts(self, sync):
        return SyncAttemptSerializer(attempts_of(sync), many=True).data

    @extend_schema_field(SyncErrorSerializer(allow_null=True))
    def get_error(self, sync):
        if not (sync.error_message or sync.error_type):
            return None
        return SyncErrorSerializer(sync).data


class SyncTriggerSerializer(StrictSerializer):
    full = StrictBooleanField(
        required=False, default=False, help_text="List the whole source and prune what is gone."
    )


class DocumentSerializer(FastRead, serializers.Serializer):
    id = serializers.IntegerField()
    connector_id = serializers.UUIDField()
    external_id = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    mime_type = serializers.CharField()
    size = serializers.IntegerField()
    metadata = serializers.DictField()
    source_created_at = serializers.DateTimeField(allow_null=True)
    source_updated_at = serializers.DateTimeField(allow_null=True)
    first_seen_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()


class DocumentDetailSerializer(DocumentSerializer):
    content = serializers.CharField(help_text="The document's text.")
