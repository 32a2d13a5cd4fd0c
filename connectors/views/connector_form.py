"""Create and edit a connector: its own fields, the config form generated from its definition's
ui_spec, the schedule and its collections. "Test connection" runs the kind's check on the unsaved
values in this process (nothing is stored); "Preview" shows what a schedule means."""

from dataclasses import dataclass

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from config.errors import DomainError, InvalidInput
from config.pages.base import EDIT, VIEW, error_summary, page, wants_fragment, workspace_page
from connectors import credentials, extensions, schedules, selectors, services
from connectors.connection_checks import run_check
from connectors.forms import ConnectorForm
from connectors.models import Connector
from connectors.schedule_form import ScheduleForm, fold_schedule_fields
from registry.models import ConnectorDefinition, DefinitionStatus
from registry.schema.forms import SchemaForm, config_form_class
from registry.selectors import definition_by_registry_id

CHECK_TIMEOUT_SECONDS = 20
SCHEDULE_KEYS = {"schedule", "scheduler_value", "scheduler_type", "timezone", "cron", "at"}


@dataclass
class ConnectorForms:
    basics: ConnectorForm
    config: SchemaForm
    schedule: ScheduleForm

    def all(self):
        return [self.basics, self.config, self.schedule]


def _forms(request, definition: ConnectorDefinition, connector: Connector | None):
    data = request.POST if request.method == "POST" else None
    if connector is not None:
        shown, stored = credentials.masked_config(connector), credentials.full_config(connector)
        basics_initial = {
            "name": connector.name,
            "description": connector.description,
            "collections": list(connector.collections.all()),
        }
        schedule_initial = ScheduleForm.initial_for(schedules.schedule_of(connector))
    else:
        shown, stored = {}, {}
        chosen = request.GET.get("collection")
        basics_initial = {"collections": [chosen] if chosen else []}
        schedule_initial = None
    config = config_form_class(definition)(
        data, config=shown, stored=stored, prefix="config", label_suffix=""
    )
    fold_schedule_fields(config)
    return ConnectorForms(
        basics=ConnectorForm(data, workspace=request.workspace, initial=basics_initial),
        config=config,
        schedule=ScheduleForm(data, initial=schedule_initial, prefix="schedule"),
    )


def _test_connection(definition, config_form: SchemaForm) -> dict:
    if not config_form.is_valid():
        return {"ok": False, "invalid": True, "errors": error_summary(config_form)}
    problem = run_check(definition, config_form.config, timeout=CHECK_TIMEOUT_SECONDS)
    return {"ok": problem is None, "message": problem or ""}


def _attach(error: InvalidInput, forms: ConnectorForms) -> None:
    """A service's field errors onto the form that shows the field."""
    for key, texts in error.errors.items():
        for text in texts:
            if key in forms.basics.fields:
                forms.basics.add_error(key, text)
            elif key in forms.schedule.fields:
                forms.schedule.add_error(key, text)
            elif key in SCHEDULE_KEYS:
                forms.schedule.add_error(None, text)
            elif key in ("type", "id", "non_field_errors"):
                forms.basics.add_error(None, text)
            else:
                forms.config.attach_errors({key: [text]})


def _save(request, definition, connector, forms: ConnectorForms) -> Connector | None:
    """All or nothing: the connector, its config, schedule and collections."""
    if not all([form.is_valid() for form in forms.all()]):
        return None
    basics = forms.basics.cleaned_data
    wanted = list(basics["collections"])
    schedule = forms.schedule.schedule
    config = schedules.config_with_schedule(forms.config.config, schedule)
    try:
        with transaction.atomic():
            if connector is None:
                return services.connector_create(
                    actor=request.user,
                    workspace=request.workspace,
                    definition=definition,
                    name=basics["name"],
                    description=basics["description"],
                    config=config,
                    schedule=schedule,
                    collections=wanted,
                )
            connector = services.connector_update(
                actor=request.user,
                connector=connector,
                name=basics["name"],
                description=basics["description"],
                config=config,
                schedule=schedule,
            )
            current = list(connector.collections.all())
            for collection in wanted:
                if collection not in current:
                    services.connector_associate(
                        actor=request.user, connector=connector, collection=collection
                    )
            for collection in current:
                if collection not in wanted:
                    services.connector_dissociate(
                        actor=request.user, connector=connector, collection=collection
                    )
            return connector
    except InvalidInput as error:
        _attach(error, forms)
    except DomainError as error:
        forms.basics.add_error(None, error.message)
    return None


def _connector_page(request, definition, connector=None):
    forms = _forms(request, definition, connector)
    action = request.POST.get("action", "save") if request.method == "POST" else None
    check = None
    preview = None
    if action == "test":
        check = _test_connection(definition, forms.config)
        if wants_fragment(request):
            return render(request, "connectors/partials/check_result.html", {"check": check})
    elif action == "preview":
        forms.schedule.is_valid()
        preview = forms.schedule.preview()
    elif action == "save":
        saved = _save(request, definition, connector, forms)
        if saved is not None:
            messages.success(
                request,
                f"Connector {saved.name} {'saved' if connector else 'created'}."
                + (" Its connection is being checked." if saved.state == "starting" else ""),
            )
            return redirect("connectors:connector_detail", request.workspace.slug, saved.pk)
    if preview is None and action in ("save", "test") and forms.schedule.is_valid():
        preview = forms.schedule.preview()
    elif action is None and connector is not None:
        preview = _preview_of(schedules.schedule_of(connector))
    bound = action in ("save", "preview")
    return page(
        request,
        "connectors/form.html",
        {
            "section": "connectors",
            "definition": definition,
            "connector": connector,
            "basics": forms.basics,
            "config_form": forms.config,
            "schedule_form": forms.schedule,
            "check": check,
            "preview": preview,
            "errors": error_summary(*forms.all()) if bound else [],
            "has_collections": forms.basics.fields["collections"].queryset.exists(),
            "has_secrets": bool(forms.config.secret_layout.secret_leaves),
            "save_effect": _save_effect(forms.schedule, connector),
        },
        status=400 if action == "save" else 200,
    )


def _save_effect(form: ScheduleForm, connector: Connector | None) -> str:
    """The sentence beside the save button: what saving starts (``extensions.schedule_saved``)."""
    if form.is_bound:
        if not form.is_valid():
            return ""
        schedule = form.schedule
    elif connector is not None:
        schedule = schedules.schedule_of(connector)
    else:
        schedule = schedules.Schedule(form.fields["type"].initial)
    return " ".join(part(schedule) for part in extensions.schedule_saved)


def _preview_of(schedule: schedules.Schedule) -> dict:
    form = ScheduleForm(prefix="schedule")
    form.schedule = schedule
    return form.preview()


@workspace_page(EDIT)
def connector_create(request, registry_id):
    definition = definition_by_registry_id(registry_id, DefinitionStatus.LIVE)
    return _connector_page(request, definition)


@workspace_page(EDIT)
def connector_edit(request, connector_id):
    connector = selectors.connector_in(request.workspace, connector_id)
    return _connector_page(request, connector.definition, connector)


@workspace_page(VIEW)
def schedule_preview(request):
    """The preview fragment of the schedule fields (GET, nothing stored)."""
    form = ScheduleForm(request.GET, prefix="schedule")
    valid = form.is_valid()
    return render(
        request,
        "connectors/partials/schedule_fragment.html",
        {
            "preview": form.preview() if valid else None,
            "schedule_form": form,
            "save_effect": _save_effect(form, None),
        },
    )
