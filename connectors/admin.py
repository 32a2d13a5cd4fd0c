"""Admin screens over the same services the API uses; secrets are only ever shown masked."""

import json

from django.contrib import admin, messages
from django.utils.html import format_html
from rest_framework_api_key.models import APIKey as LibraryAPIKey

from connectors import admin_views, credentials, services
from connectors.errors import DomainError
from connectors.models import (
    ApiKey,
    Collection,
    Connector,
    ConnectorCollection,
    ConnectorDefinition,
    Credential,
    IdempotencyRecord,
    Membership,
    Space,
    Workspace,
)

# The key library's own concrete model is unused: workspace keys are ``connectors.ApiKey``.
if admin.site.is_registered(LibraryAPIKey):
    admin.site.unregister(LibraryAPIKey)


class ServiceAdmin(admin.ModelAdmin):
    """Saves and deletes through the service layer; domain errors become admin messages."""

    def _service_call(self, request, call):
        try:
            return call()
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return None

    def _stored(self, obj):
        """The row as stored (the form has already changed ``obj``): an update service compares
        it with the new values to know what changed."""
        return type(obj).objects.get(pk=obj.pk)


class NamedAdmin(ServiceAdmin):
    """Spaces and collections, added and edited through their services (``create`` takes the
    parent named by ``parent``; ``update`` the instance under its model's name)."""

    parent = ""
    create = update = None

    def save_model(self, request, obj, form, change):
        values = {"name": obj.name, "description": obj.description}
        if change:
            instance = {self.model._meta.model_name: self._stored(obj)}
            self.update(actor=request.user, **instance, **values)
        else:
            parent = {self.parent: getattr(obj, self.parent)}
            obj.pk = self.create(actor=request.user, **parent, **values).pk


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(ServiceAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]

    def save_model(self, request, obj, form, change):
        if change:
            services.workspace_update(
                actor=request.user, workspace=self._stored(obj), name=obj.name
            )
        else:
            created = services.workspace_create(actor=request.user, name=obj.name, slug=obj.slug)
            obj.pk = created.pk

    def delete_model(self, request, obj):
        self._service_call(
            request, lambda: services.workspace_delete(actor=request.user, workspace=obj)
        )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "workspace", "role", "created_at"]
    list_filter = ["role", "workspace"]
    search_fields = ["user__username", "workspace__slug"]
    autocomplete_fields = ["user", "workspace"]


@admin.register(Space)
class SpaceAdmin(NamedAdmin):
    list_display = ["name", "workspace", "created_at"]
    list_filter = ["workspace"]
    search_fields = ["name"]
    parent = "workspace"
    create = staticmethod(services.space_create)
    update = staticmethod(services.space_update)

    def delete_model(self, request, obj):
        self._service_call(request, lambda: services.space_delete(actor=request.user, space=obj))


@admin.register(Collection)
class CollectionAdmin(NamedAdmin):
    list_display = ["name", "space", "created_at"]
    list_filter = ["space__workspace"]
    search_fields = ["name"]
    parent = "space"
    create = staticmethod(services.collection_create)
    update = staticmethod(services.collection_update)

    def delete_model(self, request, obj):
        services.collection_delete(actor=request.user, collection=obj)


@admin.register(ApiKey)
class ApiKeyAdmin(ServiceAdmin):
    list_display = [
        "name",
        "prefix",
        "workspace",
        "role",
        "registry",
        "revoked",
        "last_used_at",
        "created",
    ]
    list_filter = ["role", "registry", "revoked", "workspace"]
    search_fields = ["name", "prefix"]
    fields = [
        "name",
        "workspace",
        "role",
        "registry",
        "prefix",
        "revoked",
        "last_used_at",
        "created",
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["prefix", "revoked", "last_used_at", "created"]
        return ["name", "workspace", "role", "registry", "prefix", "last_used_at", "created"]

    def save_model(self, request, obj, form, change):
        if change:
            if obj.revoked:
                services.api_key_revoke(actor=request.user, api_key=ApiKey.objects.get(pk=obj.pk))
            return
        created, raw_key = services.api_key_create(
            actor=request.user,
            workspace=obj.workspace,
            name=obj.name,
            role=obj.role,
            registry=obj.registry,
        )
        obj.pk, obj.prefix = created.pk, created.prefix
        self.message_user(
            request,
            f"The API key for {obj.name} is: {raw_key} — copy it now, it will not be shown again.",
            messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.action(description="Publish the selected definitions (Draft -> Live)")
def promote_definitions(modeladmin, request, queryset):
    for definition in queryset:
        modeladmin._service_call(
            request,
            lambda d=definition: services.definition_promote(actor=request.user, definition=d),
        )


@admin.action(description="Retire the selected definitions")
def retire_definitions(modeladmin, request, queryset):
    for definition in queryset:
        modeladmin._service_call(
            request,
            lambda d=definition: services.definition_retire(actor=request.user, definition=d),
        )


@admin.register(ConnectorDefinition)
class ConnectorDefinitionAdmin(ServiceAdmin):
    """Versions are registered from distribution files (through ``definition_register``) and
    never edited afterwards: publish or retire them with the actions."""

    list_display = ["registry_id", "name", "category", "status", "implementation", "live_date"]
    list_filter = ["status", "category"]
    search_fields = ["connector_id", "name"]
    actions = [promote_definitions, retire_definitions]
    exclude = ["ui_spec", "icon"]

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.fields if f.name not in self.exclude]
        return [*names, "ui_spec_json"]

    @admin.display(description="ui_spec")
    def ui_spec_json(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.ui_spec, indent=2))

    def add_view(self, request, form_url="", extra_context=None):
        return admin_views.definition_upload_view(self, request)

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.action(description="Sync the selected connectors now")
def sync_connectors(modeladmin, request, queryset):
    from syncs import start_rules
    from syncs.models import SyncTrigger

    for connector in queryset:
        modeladmin._service_call(
            request,
            lambda c=connector: start_rules.sync_requested(
                actor=request.user, connector=c, trigger=SyncTrigger.MANUAL
            ),
        )


@admin.action(description="Cancel the running syncs of the selected connectors")
def cancel_connector_syncs(modeladmin, request, queryset):
    from syncs import services as sync_services

    for connector in queryset:
        modeladmin._service_call(
            request,
            lambda c=connector: sync_services.sync_cancel_active(actor=request.user, connector=c),
        )


@admin.register(Connector)
class ConnectorAdmin(ServiceAdmin):
    """Add (type first, then the generated form) and change through the services; the stored
    config is only shown masked."""

    list_display = ["name", "workspace", "definition", "state", "schedule_type", "updated_at"]
    list_filter = ["state", "definition__connector_id", "workspace"]
    search_fields = ["name", "id"]
    list_select_related = ["workspace", "definition"]
    actions = [
        start_connectors,
        stop_connectors,
        fail_connectors,
        sync_connectors,
        cancel_connector_syncs,
    ]
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
