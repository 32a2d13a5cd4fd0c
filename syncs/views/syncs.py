"""Pages and live fragments about syncs: a connector's activity (state and recent syncs), the
workspace's sync history, one sync with its log, the syncs running in a workspace, and the Sync
now / Cancel actions.

A fragment is the same server-rendered partial the page includes; ``static/js/live.js`` polls
it while work is under way and swaps it in."""

from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from config.pages.base import EDIT, VIEW, attempt, fragment, page, workspace_page
from config.pages.paging import keyset_page
from connectors import selectors
from connectors.lifecycle import NOOP, TRANSITIONS, Action, State
from syncs import selectors as sync_selectors
from syncs import services as sync_services
from syncs import start_rules
from syncs.filters import SyncHistoryFilter
from syncs.models import SyncStatus, SyncTrigger

RECENT_SYNCS = 10
LOG_LINES = 200


def lifecycle_actions(state: str) -> list[str]:
    """The lifecycle buttons a connector in ``state`` offers (those that change something)."""
    return [
        action
        for action in (Action.START, Action.STOP, Action.FAIL)
        if TRANSITIONS[state].get(action) not in (None, NOOP)
    ]


def activity_context(connector) -> dict:
    syncs = list(sync_selectors.syncs_of(connector)[:RECENT_SYNCS])
    active = next((sync for sync in syncs if sync.is_active), None)
    return {
        "connector": connector,
        "syncs": syncs,
        "active_sync": active,
        "lifecycle_actions": lifecycle_actions(connector.state),
        "can_sync": Action.SYNC in TRANSITIONS[connector.state],
        "document_count": sync_selectors.document_count(connector),
        "live_active": active is not None or connector.state == State.STARTING,
    }


@workspace_page(VIEW)
@require_GET
def connector_activity(request, connector_id):
    connector = selectors.connector_in(request.workspace, connector_id)
    return fragment(request, "syncs/partials/activity.html", activity_context(connector))


@workspace_page(EDIT)
@require_POST
def sync_now(request, connector_id):
    connector = selectors.connector_in(request.workspace, connector_id)
    attempt(
        request,
        lambda: start_rules.sync_requested(
            actor=request.user,
            connector=connector,
            trigger=SyncTrigger.MANUAL,
            full=request.POST.get("full") == "on",
        ),
        "Sync queued."
        if connector.state == State.RUNNING
        else "Sync queued: it runs once the connection check passes.",
    )
    return redirect("connectors:connector_detail", request.workspace.slug, connector.pk)


@workspace_page(EDIT)
@require_POST
def sync_cancel(request, sync_id):
    sync = sync_selectors.sync_in(request.workspace, sync_id)
    attempt(
        request,
        lambda: sync_services.sync_cancel(actor=request.user, sync=sync),
        "Cancelling the sync.",
    )
    if request.POST.get("back") == "sync":
        return redirect("syncs:sync_detail", request.workspace.slug, sync.pk)
    return redirect("connectors:connector_detail", request.workspace.slug, sync.connector_id)


HISTORY_FILTERS = ("connector", "status", "trigger", "created_after", "created_before")


@workspace_page(VIEW)
@require_GET
def sync_history(request):
    filterset = SyncHistoryFilter(
        request.GET or None, queryset=sync_selectors.syncs_in(request.workspace)
    )
    rows, pager = keyset_page(filterset.qs, request, key=("queued_at", "id"))
    return page(
        request,
        "syncs/history.html",
        {
            "section": "syncs",
            "syncs": rows,
            "pager": pager,
            "filter": filterset,
            "filtered": any(request.GET.get(key) for key in HISTORY_FILTERS),
            "connectors": selectors.connectors_in(request.workspace)
            .order_by("name")
            .values("pk", "name"),
            "statuses": SyncStatus.choices,
            "triggers": SyncTrigger.choices,
        },
    )


def _sync_context(sync) -> dict:
    lines = list(sync.log_lines.order_by("-at", "-id")[:LOG_LINES])
    lines.reverse()
    return {"sync": sync, "connector": sync.connector, "log_lines": lines}


@workspace_page(VIEW)
@require_GET
def sync_detail(request, sync_id):
    sync = sync_selectors.sync_in(request.workspace, sync_id)
    return page(request, "syncs/detail.html", {"section": "connectors", **_sync_context(sync)})


@workspace_page(VIEW)
@require_GET
def sync_live(request, sync_id):
    sync = sync_selectors.sync_in(request.workspace, sync_id)
    return fragment(request, "syncs/partials/sync_live.html", _sync_context(sync))


def running_context(workspace) -> dict:
    running = list(sync_selectors.active_syncs_in(workspace)[:RECENT_SYNCS])
    return {"running": running, "live_active": bool(running)}


@workspace_page(VIEW)
@require_GET
def running_syncs(request):
    return fragment(request, "syncs/partials/running.html", running_context(request.workspace))
