from django.contrib import admin

from syncs.models import Document, Sync, SyncLogLine


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
    inlines = [SyncLogLineInline]

    @admin.display(description="Progress")
    def progress(self, obj):
        percent = obj.percent
        return f"{obj.progress_done} / {obj.progress_total or '?'}" + (
            f" ({percent}%)" if percent is not None else ""
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
