from django.contrib import admin, messages
from django.utils.html import format_html

from config.errors import DomainError
from connectors import extensions
from syncs import services, start_rules
from syncs.models import (
    Document,
    Sync,
    SyncAttempt,
    SyncLogLine,
    SyncPart,
    SyncTrigger,
    UploadedFile,
)


@extensions.admin_actions.add
@admin.action(description="Sync the selected connectors now")
def sync_connectors(modeladmin, request, queryset):
    for connector in queryset:
        modeladmin._service_call(
            request,
            lambda c=connector: start_rules.sync_requested(
                actor=request.user, connector=c, trigger=SyncTrigger.MANUAL
            ),
        )


@extensions.admin_actions.add
@admin.action(description="Cancel the running syncs of the selected connectors")
def cancel_connector_syncs(modeladmin, request, queryset):
    for connector in queryset:
        modeladmin._service_call(
            request,
            lambda c=connector: services.sync_cancel_active(actor=request.user, connector=c),
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class SyncLogLineInline(admin.TabularInline):
    model = SyncLogLine
    extra = 0
    fields = ["at", "level", "message"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class SyncAttemptInline(admin.TabularInline):
    model = SyncAttempt
    extra = 0
    fields = ["number", "started_at", "finished_at", "outcome", "reason", "documents"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class SyncPartInline(admin.TabularInline):
    """The parts of a sync read by several workers at once."""

    model = SyncPart
    extra = 0
    fields = ["number", "state", "done", "lost", "heartbeat_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description="Cancel the selected syncs")
def cancel_syncs(modeladmin, request, queryset):
    for sync in queryset.select_related("connector"):
        if not sync.is_active:
            continue
        try:
            services.sync_cancel(actor=request.user, sync=sync)
        except DomainError as error:
            modeladmin.message_user(request, error.message, messages.ERROR)


@admin.register(Sync)
class SyncAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "connector",
        "trigger",
        "status",
        "progress",
        "documents_seen",
        "queued_at",
        "finished_at",
    ]
    list_filter = ["status", "trigger"]
    search_fields = ["id", "connector__name"]
    list_select_related = ["connector"]
    inlines = [SyncAttemptInline, SyncPartInline, SyncLogLineInline]
    actions = [cancel_syncs]
    readonly_fields = ["progress"]

    @admin.display(description="Progress")
    def progress(self, obj):
        percent = obj.percent
        text = f"{obj.progress_done} / {obj.progress_total or '?'}" + (
            f" ({percent}%)" if percent is not None else ""
        )
        if percent is None:
            return text
        return format_html(
            '<progress max="100" value="{}">{}%</progress> {}', percent, percent, text
        )


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = [
        "title",
        "connector",
        "external_id",
        "mime_type",
        "size",
        "last_seen_at",
        "deleted_at",
    ]
    list_filter = ["mime_type"]
    search_fields = ["title", "external_id"]
    list_select_related = ["connector"]
    show_full_result_count = False


@admin.register(UploadedFile)
class UploadedFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "connector", "mime_type", "size", "uploaded_at", "uploaded_by"]
    list_filter = ["mime_type"]
    search_fields = ["name", "sha256", "connector__name"]
    list_select_related = ["connector"]
    exclude = ["file"]
