"""Admin screens of the tenancy app, over its services."""

from django.contrib import admin, messages
from rest_framework_api_key.models import APIKey as LibraryAPIKey

from config.admin import ServiceAdmin
from tenancy import services
from tenancy.models import ApiKey, Collection, Membership, Space, Workspace

# The key library's own concrete model is unused: workspace keys are ``tenancy.ApiKey``.
if admin.site.is_registered(LibraryAPIKey):
    admin.site.unregister(LibraryAPIKey)


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
