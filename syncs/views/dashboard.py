"""A workspace's dashboard: connectors by state, syncs running now, recent failures and the
documents imported per day."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from config.pages.base import VIEW, page, workspace_page
from connectors import selectors
from connectors.lifecycle import State
from syncs import selectors as sync_selectors
from syncs.views.charts import daily_bars
from syncs.views.syncs import running_context

CHART_DAYS = 14
FAILURE_DAYS = 7


@workspace_page(VIEW)
def dashboard(request):
    workspace = request.workspace
    today = timezone.localdate()
    first_day = today - timedelta(days=CHART_DAYS - 1)
    since = timezone.make_aware(datetime.combine(first_day, time.min))
    counts = selectors.connector_state_counts(workspace)
    return page(
        request,
        "dashboard/index.html",
        {
            "section": "dashboard",
            "states": [(state, label, counts[state]) for state, label in State.choices],
            "connector_total": sum(counts.values()),
            "chart": daily_bars(
                sync_selectors.documents_per_day(workspace, since), first_day, CHART_DAYS
            ),
            "failures": list(
                sync_selectors.failed_syncs_in(
                    workspace, timezone.now() - timedelta(days=FAILURE_DAYS)
                )[:6]
            ),
            "failed_connectors": list(
                selectors.connectors_in(workspace).filter(state=State.FAILED)[:6]
            ),
            "failure_days": FAILURE_DAYS,
            **running_context(workspace),
        },
    )
