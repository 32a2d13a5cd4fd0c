"""The workspace's sync history: newest first, filtered by connector, status, trigger and time,
paged by (queued at, id), other workspaces' syncs never shown; a sync's page shows its rate."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from syncs.models import Sync, SyncStatus, SyncTrigger

pytestmark = pytest.mark.database

START = timezone.now().replace(microsecond=0) - timedelta(days=3)


def make_syncs(connector, count, *, status=SyncStatus.SUCCEEDED, trigger=SyncTrigger.MANUAL, at=0):
    return Sync.objects.bulk_create(
        Sync(
            connector=connector,
            trigger=trigger,
            status=status,
            queued_at=START + timedelta(minutes=at + index),
        )
        for index in range(count)
    )


def history(client, workspace, **filters):
    response = client.get(reverse("syncs:history", args=[workspace.slug]), filters)
    assert response.status_code == 200
    return response


def test_pages_of_fifty_newest_first_with_older_and_newer_links(
    login, viewer, workspace, make_connector
):
    connector = make_connector(name="warehouse")
    made = make_syncs(connector, 55)
    Sync.objects.filter(pk__in=[made[0].pk, made[1].pk]).update(queued_at=START)  # a tie
    client = login(viewer)

    first = history(client, workspace)
    shown = [sync.pk for sync in first.context["syncs"]]
    expected = [sync.pk for sync in Sync.objects.order_by("-queued_at", "-id")]
    assert shown == expected[:50]
    second = history(client, workspace, before=first.context["pager"]["older"])
    assert [sync.pk for sync in second.context["syncs"]] == expected[50:]
    assert second.context["pager"]["older"] is None
    back = history(client, workspace, after=second.context["pager"]["newer"])
    assert [sync.pk for sync in back.context["syncs"]] == shown


def test_filters_by_connector_status_trigger_and_time(
    login, viewer, workspace, make_connector, other_workspace, definition
):
    warehouse = make_connector(name="warehouse")
    crm = make_connector(name="crm")
    make_syncs(warehouse, 3)
    make_syncs(warehouse, 2, status=SyncStatus.FAILED, trigger=SyncTrigger.SCHEDULE, at=10)
    make_syncs(crm, 4, at=20)
    stranger = make_connector(name="theirs", workspace=other_workspace)
    make_syncs(stranger, 5)
    client = login(viewer)

    def count(**filters):
        return len(history(client, workspace, **filters).context["syncs"])

    assert count() == 9  # never another workspace's
    assert count(connector=str(warehouse.pk)) == 5
    assert count(connector=str(stranger.pk)) == 0
    assert count(status="failed") == 2
    assert count(trigger="schedule", connector=str(crm.pk)) == 0
    since = (START + timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M")
    assert count(created_after=since) == 4
    bad = history(client, workspace, created_after="yesterday")
    assert "Queued at or after (ISO 8601): Enter a valid date/time." in bad.content.decode()


def test_the_connector_page_links_its_full_history(login, viewer, workspace, make_connector):
    connector = make_connector(name="warehouse")
    client = login(viewer)
    page = client.get(reverse("connectors:connector_detail", args=[workspace.slug, connector.pk]))
    link = f"{reverse('syncs:history', args=[workspace.slug])}?connector={connector.pk}"
    assert link in page.content.decode()


def test_a_sync_shows_documents_per_second(login, viewer, workspace, make_connector):
    connector = make_connector(name="warehouse")
    now = timezone.now()
    sync = Sync.objects.create(
        connector=connector,
        trigger=SyncTrigger.MANUAL,
        status=SyncStatus.SUCCEEDED,
        started_at=now - timedelta(seconds=40),
        finished_at=now,
        progress_done=50_000,
        documents_created=50_000,
    )
    client = login(viewer)
    page = client.get(reverse("syncs:sync_detail", args=[workspace.slug, sync.pk])).content
    assert "<b>1,250</b> documents/s" in page.decode()
    assert "<b>50,000</b> new" in page.decode()
    row = history(client, workspace).content.decode()
    assert "1,250" in row and "40 s" in row
