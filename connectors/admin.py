"""Admin screens over the same services the API uses; secrets are only ever shown masked."""

import json

from django.contrib import admin
from django.utils.html import format_html

from config.admin import ServiceAdmin
from connectors import admin_views, credentials, extensions, services
from connectors.models import Connector, ConnectorCollection, Credential, IdempotencyRecord


class AssociationInline(admin.TabularInline):
    model = ConnectorCollection
    extra = 0
    readonly_fields = ["collection", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.action(description="Start the selected connectors")
def start_connectors(modeladmin, request, queryset):
    for connector in queryset:
        modeladmin._service_call(
            request, lambda c=connector: services.connector_start(actor=request.user, connector=c)
        )


@admin.action(description="Stop the selected connectors")
def stop_connectors(modeladmin, request, queryset):
    for connector in queryset:
        modeladmin._service_call(
            request, lambda c=connector: services.connector_stop(actor=request.user, connector=c)
        )


@admin.action(description="Mark the selected connectors failed")
def fail_connectors(modeladmin, request, queryset):
    for connector in queryset:
        modeladmin._service_call(
            request, lambda c=connector: services.connector_fail(actor=request.user, connector=c)
        )


@admin.register(Connector)
class ConnectorAdmin(ServiceAdmin):
    """Add (type first, then the generated form) and change through the services; the stored
    config is only shown masked."""

    list_display = ["name", "workspace", "definition", "state", "schedule_type", "updated_at"]
    list_filter = ["state", "definition__connector_id", "workspace"]
    search_fields = ["name", "id"]
    list_select_related = ["workspace", "definition"]

    @property
    def actions(self):
        return [start_connectors, stop_connectors, fail_connectors, *extensions.admin_actions]

    inlines = [AssociationInline]
    fields = [
        "id",
        "workspace",
        "definition",
        "name",
        "description",
        "masked_config",
        "state",
        "state_reason",
        "state_changed_at",
        "schedule_type",
        "schedule_cron",
        "schedule_timezone",
        "schedule_at",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    ]
    readonly_fields = fields

    @admin.display(description="Config (secrets masked)")
    def masked_config(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(credentials.masked_config(obj), indent=2))

    def add_view(self, request, form_url="", extra_context=None):
        return admin_views.connector_form_view(self, request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        connector = self.get_object(request, object_id)
        if connector is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if request.method == "POST" or self.has_change_permission(request, connector):
            return admin_views.connector_form_view(self, request, connector)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_model(self, request, obj):
        services.connector_delete(actor=request.user, connector=obj)

    def delete_queryset(self, request, queryset):
        for connector in queryset:
            services.connector_delete(actor=request.user, connector=connector)


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    """Which connectors hold secrets, and when they changed; never the secrets themselves."""

    list_display = ["connector", "updated_at"]
    fields = ["connector", "updated_at"]
    readonly_fields = fields
    search_fields = ["connector__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ConnectorCollection)
class ConnectorCollectionAdmin(admin.ModelAdmin):
    list_display = ["connector", "collection", "created_at"]
    list_select_related = ["connector", "collection"]
    readonly_fields = ["connector", "collection", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["scope", "key", "status", "response_status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["scope", "key", "request_hash", "status", "response_status", "created_at"]
    exclude = ["response_body"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
