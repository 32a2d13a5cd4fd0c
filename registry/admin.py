"""The registry's admin: definitions are registered from distribution files (the same service as
the API and the pages), then published or retired with the actions; never edited."""

import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from config.admin import ServiceAdmin
from registry.forms import DistributionForm
from registry.models import ConnectorDefinition
from registry.services import definition_promote, definition_retire


@admin.action(description="Publish the selected definitions (Draft -> Live)")
def promote_definitions(modeladmin, request, queryset):
    for definition in queryset:
        modeladmin._service_call(
            request,
            lambda d=definition: definition_promote(actor=request.user, definition=d),
        )


@admin.action(description="Retire the selected definitions")
def retire_definitions(modeladmin, request, queryset):
    for definition in queryset:
        modeladmin._service_call(
            request,
            lambda d=definition: definition_retire(actor=request.user, definition=d),
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
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = DistributionForm(request.POST or None, request.FILES or None)
        if (
            request.method == "POST"
            and form.is_valid()
            and (registered := form.register(request.user))
        ):
            self.message_user(request, registered, messages.SUCCESS)
            return redirect(reverse("admin:registry_connectordefinition_changelist"))
        return TemplateResponse(
            request,
            "admin/registry/connectordefinition/upload.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Register a distribution file",
                "form": form,
                "add": True,
            },
            status=400 if form.errors else 200,
        )

    def has_delete_permission(self, request, obj=None):
        return False
