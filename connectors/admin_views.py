"""The admin's connector add and change screens, built on the same generated config form as the
pages (kind chosen first, then the form), and its distribution file upload. Every write goes
through the services; secrets only ever show masked (a secret field is blank: blank keeps it)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from config.errors import DomainError, InvalidInput, NotFound
from connectors import credentials, schedules, services
from connectors.schedule_form import ScheduleForm, fold_schedule_fields
from registry import selectors
from registry.models import ConnectorDefinition, DefinitionStatus
from registry.schema.forms import config_form_class
from tenancy.models import Workspace


class AdminConnectorForm(forms.Form):
    workspace = forms.ModelChoiceField(queryset=Workspace.objects.order_by("name"))
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, change=False, **kwargs):
        super().__init__(*args, **kwargs)
        if change:
            del self.fields["workspace"]


def _context(model_admin, request, title, **extra):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        **extra,
    }


def choose_kind(model_admin, request):
    definitions = ConnectorDefinition.objects.filter(status=DefinitionStatus.LIVE).order_by(
        "category", "name"
    )
    return TemplateResponse(
        request,
        "admin/connectors/connector/choose_kind.html",
        _context(model_admin, request, "Add connector: choose its type", definitions=definitions),
    )


def _attach(error: InvalidInput, basics, config_form, schedule_form) -> None:
    for key, texts in error.errors.items():
        for text in texts:
            if key in basics.fields:
                basics.add_error(key, text)
            elif key in schedule_form.fields:
                schedule_form.add_error(key, text)
            elif key in ("schedule", "type", "non_field_errors", "id"):
                basics.add_error(None, text)
            else:
                config_form.attach_errors({key: [text]})


def connector_form_view(model_admin, request, connector=None):
    """Add (``connector`` None; the type comes from ``?definition=<registry id>``) or change."""
    if connector is None:
        if not model_admin.has_add_permission(request):
            raise PermissionDenied
        registry_id = request.GET.get("definition")
        if not registry_id:
            return choose_kind(model_admin, request)
        try:
            definition = selectors.definition_by_registry_id(registry_id, DefinitionStatus.LIVE)
        except NotFound:
            messages.error(request, f"{registry_id} is not a Live connector type.")
            return redirect(reverse("admin:connectors_connector_add"))
        shown, stored, initial, schedule_initial = {}, {}, {}, None
    else:
        if not model_admin.has_change_permission(request, connector):
            raise PermissionDenied
        definition = connector.definition
        shown, stored = credentials.masked_config(connector), credentials.full_config(connector)
        initial = {"name": connector.name, "description": connector.description}
        schedule_initial = ScheduleForm.initial_for(schedules.schedule_of(connector))
    data = request.POST if request.method == "POST" else None
    basics = AdminConnectorForm(data, initial=initial, change=connector is not None)
    config_form = config_form_class(definition)(data, config=shown, stored=stored, prefix="config")
    fold_schedule_fields(config_form)
    schedule_form = ScheduleForm(data, initial=schedule_initial, prefix="schedule")
    if data is not None and all(f.is_valid() for f in (basics, config_form, schedule_form)):
        try:
            with transaction.atomic():
                if connector is None:
                    saved = services.connector_create(
                        actor=request.user,
                        workspace=basics.cleaned_data["workspace"],
                        definition=definition,
                        name=basics.cleaned_data["name"],
                        description=basics.cleaned_data["description"],
                        config=schedules.config_with_schedule(
                            config_form.config, schedule_form.schedule
                        ),
                        schedule=schedule_form.schedule,
                    )
                else:
                    saved = services.connector_update(
                        actor=request.user,
                        connector=connector,
                        name=basics.cleaned_data["name"],
                        description=basics.cleaned_data["description"],
                        config=schedules.config_with_schedule(
                            config_form.config, schedule_form.schedule
                        ),
                        schedule=schedule_form.schedule,
                    )
        except InvalidInput as error:
            _attach(error, basics, config_form, schedule_form)
        except DomainError as error:
            basics.add_error(None, error.message)
        else:
            model_admin.message_user(
                request, f"The connector {saved.name} was saved.", messages.SUCCESS
            )
            if "_continue" in request.POST:
                return redirect(reverse("admin:connectors_connector_change", args=[saved.pk]))
            return redirect(reverse("admin:connectors_connector_changelist"))
    title = (
        f"Change connector {connector.name}" if connector else f"Add {definition.name} connector"
    )
    return TemplateResponse(
        request,
        "admin/connectors/connector/config_form.html",
        _context(
            model_admin,
            request,
            title,
            definition=definition,
            connector=connector,
            original=connector,
            basics=basics,
            config_form=config_form,
            schedule_form=schedule_form,
            masked=shown,
            media=model_admin.media,
            add=connector is None,
            change=connector is not None,
            has_errors=data is not None
            and any(f.errors for f in (basics, config_form, schedule_form)),
        ),
        status=400 if data is not None else 200,
    )
