"""The dashboard: connectors by state, syncs running now, recent failures and the documents
imported per day as a server-drawn SVG chart."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connectors.lifecycle import State
from connectors.models import Connector
from registry.sources.base import SourceDocument
from syncs.models import Sync, SyncStatus
from tests.documents import store_documents

pytestmark = pytest.mark.database


def test_the_dashboard_sums_up_the_workspace(login, viewer, workspace, make_connector):
    first, second, third = (make_connector(name=n) for n in ("a", "b", "c"))
    Connector.objects.filter(pk=second.pk).update(state=State.RUNNING)
    Connector.objects.filter(pk=third.pk).update(state=State.FAILED, state_reason="Host unknown.")
    Sync.objects.create(
        connector=second,
        trigger="manual",
        status=SyncStatus.RUNNING,
        progress_done=5,
        progress_total=10,
    )
    Sync.objects.create(
        connector=first,
        trigger="schedule",
        status=SyncStatus.FAILED,
        finished_at=timezone.now(),
        error_origin="worker",
        error_message="No heartbeat for 120 seconds.",
    )
    now = timezone.now()
    for days_ago in (0, 1, 2, 40):  # stored by the engine's write path, which counts them
        batch = [
            SourceDocument(external_id=f"{days_ago}-{i}", content=str(i))
            for i in range(1 if days_ago == 40 else 3)
        ]
        when = now - timedelta(days=days_ago)
        store_documents(first, batch, when=when)

    response = login(viewer).get(reverse("syncs:dashboard", args=[workspace.slug]))
    states = {state: count for state, _, count in response.context["states"]}
    assert states == {"starting": 1, "running": 1, "stopped": 0, "failed": 1}
    html = response.content.decode()
    assert "Host unknown." in html
    assert "The worker running the sync stopped: No heartbeat for 120 seconds." in html
    assert 'value="50"' in html  # the running sync's bar
    chart = response.context["chart"]
    assert chart.total == 9 and len(chart.bars) == 14
    assert [bar.count for bar in chart.bars[-3:]] == [3, 3, 3]
    assert html.count('<rect class="bar"') == 3
    assert 'role="img"' in html and "9 documents in 14 days" in html
    assert html.count("<tr><td>20") == 14  # the same figures as a table for screen readers


def test_the_running_fragment_polls_while_syncs_run(login, viewer, workspace, connector):
    url = reverse("syncs:running", args=[workspace.slug])
    html = login(viewer).get(url).content.decode().strip()
    assert html.startswith('<div id="running"') and 'data-live-active="false"' in html
    Sync.objects.create(connector=connector, trigger="manual", status=SyncStatus.QUEUED)
    html = login(viewer).get(url).content.decode()
    assert 'data-live-active="true"' in html and connector.name in html


def test_an_empty_workspace_has_a_calm_dashboard(login, owner, workspace):
    html = login(owner).get(reverse("syncs:dashboard", args=[workspace.slug])).content.decode()
    assert "No failures." in html and "No sync is running right now." in html
    assert '<rect class="bar"' not in html
