"""The connector list, a connector's page and the actions on it (all state changes are POSTs
through the services): start, stop, fail, delete, collections. What the apps above show on these
pages (a connector's syncs and uploads) they add through ``connectors.extensions``."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from config.pages.base import EDIT, VIEW, attempt, page, workspace_page
from connectors import credentials, extensions, schedules, selectors, services
from connectors.filters import ConnectorFilter
from connectors.forms import AddCollectionForm
from connectors.lifecycle import Action, State
from registry.schema.outline import config_outline
from tenancy.models import Collection

LIFECYCLE = {
    Action.START: (services.connector_start, "Starting {name}: its connection is being checked."),
    Action.STOP: (services.connector_stop, "{name} stopped."),
    Action.FAIL: (services.connector_fail, "{name} marked failed."),
}


@workspace_page(VIEW)
def connector_list(request):
    connectors = selectors.connectors_in(request.workspace)
    for with_columns in extensions.connector_list:
        connectors = with_columns(connectors)
    filterset = ConnectorFilter(request.GET or None, queryset=connectors.order_by("name"))
    kinds = (
        selectors.connectors_in(request.workspace)
        .order_by("definition__name")
        .values_list("definition__connector_id", "definition__name")
        .distinct()
    )
    return page(
        request,
        "connectors/list.html",
        {
            "section": "connectors",
            "connectors": filterset.qs,
            "filter": filterset,
            "states": State.choices,
            "kinds": list(kinds),
            "filtered": any(request.GET.get(key) for key in ("name", "state", "type")),
        },
    )


def _schedule_context(connector) -> dict:
    schedule = schedules.schedule_of(connector)
    zone = ZoneInfo(schedule.timezone)
    return {
        "schedule_description": schedules.describe(schedule),
        "next_runs": [run.astimezone(zone) for run in schedules.next_runs(schedule, 5)],
    }


@workspace_page(VIEW)
def connector_detail(request, connector_id):
    connector = selectors.connector_in(request.workspace, connector_id)
    collections = list(connector.collections.select_related("space").order_by("name"))
    context = {
        "section": "connectors",
        "connector": connector,
        "collections": collections,
        "add_collection": AddCollectionForm(workspace=request.workspace, exclude=collections),
        "config_outline": config_outline(
            connector.definition.ui_spec, credentials.masked_config(connector)
        ),
        **_schedule_context(connector),
    }
    for part in extensions.connector_page:
        context.update(part(connector))
    return page(request, "connectors/detail.html", context)


def _back(request, connector):
    return redirect("connectors:connector_detail", request.workspace.slug, connector.pk)


@workspace_page(EDIT)
@require_POST
def connector_state(request, connector_id):
    connector = selectors.connector_in(request.workspace, connector_id)
    action = request.POST.get("action")
    if action not in LIFECYCLE:
        messages.error(request, "Choose start, stop or fail.")
        return _back(request, connector)
    call, success = LIFECYCLE[action]
    attempt(
        request,
        lambda: call(actor=request.user, connector=connector),
        success.format(name=connector.name),
    )
    return _back(request, connector)


@workspace_page(EDIT)
def connector_delete(request, connector_id):
    connector = selectors.connector_in(request.workspace, connector_id)
    if request.method == "POST":
        if attempt(
            request,
            lambda: services.connector_delete(actor=request.user, connector=connector),
            f"Connector {connector.name} deleted; its documents are being removed.",
        ):
            return redirect("connectors:connector_list", request.workspace.slug)
        return _back(request, connector)
    context = {"section": "connectors", "connector": connector}
    for part in extensions.connector_delete:
        context.update(part(connector))
    return page(request, "connectors/confirm_delete.html", context)


@workspace_page(EDIT)
@require_POST
def connector_collection_add(request, connector_id):
    connector = selectors.connector_in(request.workspace, connector_id)
    form = AddCollectionForm(request.POST, workspace=request.workspace)
    if not form.is_valid():
        messages.error(request, "Choose a collection of this workspace.")
        return _back(request, connector)
    collection = form.cleaned_data["collection"]
    attempt(
        request,
        lambda: services.connector_associate(
            actor=request.user, connector=connector, collection=collection
        ),
        f"Added to {collection.name}.",
    )
    return _back(request, connector)


@workspace_page(EDIT)
@require_POST
def connector_collection_remove(request, connector_id, collection_id):
    connector = selectors.connector_in(request.workspace, connector_id)
    collection = get_object_or_404(Collection, pk=collection_id, space__workspace=request.workspace)
    attempt(
        request,
        lambda: services.connector_dissociate(
            actor=request.user, connector=connector, collection=collection
        ),
        f"Removed from {collection.name}; the connector and its documents stay.",
    )
    return _back(request, connector)
