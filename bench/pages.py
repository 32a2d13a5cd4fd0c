"""How long the pages take with a million documents in the workspace, and what a page of
documents deep in the list costs next to the first one (pages and the collection API).

    python bench/pages.py                 # 1,000,000 documents in 10 connectors
    python bench/pages.py --smoke         # 20,000 documents (CI)
    python bench/pages.py --documents 500000 --connectors 4 --repeat 9

A throw-away PostgreSQL (autovacuum off) is filled with documents by INSERT ... SELECT, the
counters are backfilled by the migration's own code (timed), then each page is rendered through
Django's test client (logged in, the full middleware stack, templates included) REPEAT times,
first before PostgreSQL has statistics, then after ANALYZE. Printed: the median and slowest time
of each page against the goal (300 ms), and the deep/first ratio of the document lists (goal:
1.5x at most).
"""

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE_GOAL_MS = 300
DEPTH_GOAL = 1.5


def seed(database, *, connectors: int, documents: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from connectors import services
    from connectors.lifecycle import State
    from connectors.models import Connector
    from registry.selectors import definition_for_type
    from syncs.models import Sync, SyncStatus, SyncTrigger
    from tenancy import services as tenancy_services

    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=io.StringIO())
    definition = definition_for_type("sample-data")
    user = get_user_model().objects.create_user(username="bench")
    workspace = tenancy_services.workspace_create(actor=user, name="Bench", slug="bench")
    space = tenancy_services.space_create(actor=user, workspace=workspace, name="Space")
    collection = tenancy_services.collection_create(actor=user, space=space, name="Everything")
    tenancy_services.collection_create(actor=user, space=space, name="Empty")
    created = [
        services.connector_create(
            actor=user,
            workspace=workspace,
            definition=definition,
            name=f"sample-{n:02d}",
            config={"document_count": documents // connectors},
            collections=[collection],
        )
        for n in range(connectors)
    ]
    Connector.objects.update(state=State.RUNNING)
    now = timezone.now()
    for connector in created:
        for status in (SyncStatus.SUCCEEDED, SyncStatus.FAILED):
            Sync.objects.create(
                connector=connector,
                trigger=SyncTrigger.SCHEDULE,
                status=status,
                documents_seen=documents // connectors,
                started_at=now,
                finished_at=now,
                error_message="Timed out." if status == SyncStatus.FAILED else "",
            )
    Sync.objects.create(connector=created[0], trigger=SyncTrigger.MANUAL, status="running")

    started = time.perf_counter()
    per_connector = documents // connectors
    with connection.cursor() as cursor:
        for connector in created:
            # Spread over the last 30 days, interleaved between connectors like real syncs.
            cursor.execute(
                "INSERT INTO syncs_document (connector_id, external_id, title, url, mime_type, "
                "content, content_hash, metadata, size, first_seen_at, last_seen_at) "
                "SELECT %s, 'doc-' || n, 'Document ' || n, 'https://example.com/' || n, "
                "'text/plain', repeat('Sample text. ', 8), md5(n::text), '{}', 104, "
                "now() - (n %% 30) * interval '1 day', now() FROM generate_series(1, %s) AS n",
                [connector.pk, per_connector],
            )
    inserted = time.perf_counter() - started

    started = time.perf_counter()
    from importlib import import_module

    from django.apps import apps

    import_module("syncs.migrations.0003_document_counters").backfill(apps, None)
    backfilled = time.perf_counter() - started
    print(
        f"{documents:,} documents in {connectors} connectors inserted in {inserted:.1f} s; "
        f"counters backfilled by the migration in {backfilled:.1f} s"
    )
    return {
        "user": user,
        "workspace": workspace,
        "space": space,
        "collection": collection,
        "connector": created[0],
    }


def pages(data: dict) -> list[tuple[str, str]]:
    from django.urls import reverse

    from syncs.models import Document, Sync

    slug = data["workspace"].slug
    connector, collection, space = data["connector"], data["collection"], data["space"]
    oldest = Document.objects.filter(connector__in=collection.connectors.all()).order_by("id")
    deep_collection = oldest.values_list("pk", flat=True)[60]
    deep_connector = oldest.filter(connector=connector).values_list("pk", flat=True)[60]
    document = Document.objects.filter(connector=connector).order_by("-id").first()
    sync = Sync.objects.filter(connector=connector).first()
    collection_documents = reverse("syncs:collection_documents", args=[slug, collection.pk])
    connector_documents = reverse("syncs:connector_documents", args=[slug, connector.pk])
    return [
        ("dashboard", reverse("syncs:dashboard", args=[slug])),
        ("connectors", reverse("connectors:connector_list", args=[slug])),
        ("connector", reverse("connectors:connector_detail", args=[slug, connector.pk])),
        ("spaces", reverse("connectors:space_list", args=[slug])),
        ("space", reverse("connectors:space_detail", args=[slug, space.pk])),
        ("collection", reverse("connectors:collection_detail", args=[slug, collection.pk])),
        ("collection documents", collection_documents),
        ("collection documents, deep", f"{collection_documents}?before={deep_collection}"),
        ("connector documents", connector_documents),
        ("connector documents, deep", f"{connector_documents}?before={deep_connector}"),
        ("document", reverse("syncs:document_detail", args=[slug, document.pk])),
        ("sync", reverse("syncs:sync_detail", args=[slug, sync.pk])),
        ("catalog", reverse("registry:catalog", args=[slug])),
        ("keys", reverse("tenancy:key_list", args=[slug])),
        ("members", reverse("tenancy:member_list", args=[slug])),
        ("webhooks", reverse("webhooks:list", args=[slug])),
        ("audit", reverse("audit:entry_list", args=[slug])),
        ("registry", reverse("registry:registry")),
    ]


def api_pages(data: dict, client) -> list[tuple[str, str]]:
    """The collection API's documents: the first page and one after nearly every document."""
    from django.core import signing

    from api.documents import CollectionDocumentViewSet
    from config.api.pagination import CURSOR_SALT
    from syncs.models import Document

    collection = data["collection"]
    path = f"/v1/spaces/{data['space'].pk}/collections/{collection.pk}/documents?limit=50"
    newest = Document.objects.order_by("-id").values_list("pk", flat=True)[200]
    salt = f"{CURSOR_SALT}:{CollectionDocumentViewSet.__name__}:id"
    cursor = signing.dumps([str(newest)], salt=salt, compress=True)
    return [
        ("API documents", path),
        ("API documents, deep", f"{path}&cursor={cursor}"),
    ]


def measure(client, named_paths, repeat: int) -> dict:
    timings = {}
    for name, path in named_paths:
        response = client.get(path)
        assert response.status_code == 200, (name, path, response.status_code)
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(path)
            runs.append((time.perf_counter() - started) * 1000)
        timings[name] = (statistics.median(runs), max(runs))
    return timings


def report(title: str, timings: dict) -> list[str]:
    print(f"\n{title}")
    print(f"{'page':<34} {'median ms':>10} {'max ms':>8} {'goal':>12}")
    missed = []
    for name, (median, slowest) in timings.items():
        verdict = f"<={PAGE_GOAL_MS} " + ("ok" if median <= PAGE_GOAL_MS else "MISS")
        if median > PAGE_GOAL_MS:
            missed.append(f"{title}: {name} {median:.0f} ms")
        print(f"{name:<34} {median:>10.1f} {slowest:>8.1f} {verdict:>12}")
    for first in ("collection documents", "connector documents", "API documents"):
        ratio = timings[f"{first}, deep"][0] / timings[first][0]
        verdict = "ok" if ratio <= DEPTH_GOAL else "MISS"
        if ratio > DEPTH_GOAL:
            missed.append(f"{title}: {first} deep/first {ratio:.2f}x")
        print(f"{first + ', deep/first':<34} {ratio:>9.2f}x {'':>8} {'<=1.5x ' + verdict:>12}")
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="20,000 documents, 3 runs a page")
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--connectors", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7, help="renders per page")
    args = parser.parse_args()
    if args.smoke:
        args.documents, args.repeat = 20_000, 3

    from tests.servers import postgres

    work = Path(tempfile.mkdtemp(prefix="pages."))
    database = postgres.start(options=("autovacuum=off",))
    try:
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings",
                "CONNECTOR_HUB_VAR_DIR": str(work / "var"),
                "DATABASE_URL": database.url,
                "DEBUG": "false",
                "ALLOWED_HOSTS": "testserver",
                "CONNECTOR_HUB_LOG_LEVEL": "WARNING",
                "CONNECTOR_HUB_THROTTLE_ENABLED": "false",
            }
        )
        data = seed(database, connectors=args.connectors, documents=args.documents)
        from django.test import Client

        client = Client()
        client.force_login(data["user"])
        api = Client(HTTP_X_API_KEY=api_key(data))
        print(
            f"Django test client, PostgreSQL, {args.repeat} renders a page; {os.cpu_count()} "
            f"cores (load average before: {os.getloadavg()[0]:.1f})"
        )
        missed = []
        for title in ("before ANALYZE (no statistics)", "after ANALYZE"):
            if title.startswith("after"):
                database.psql("ANALYZE", database="hub")
            timings = measure(client, pages(data), args.repeat)
            timings.update(measure(api, api_pages(data, api), args.repeat))
            missed += report(title, timings)
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")
        for line in missed:
            print(f"!! {line}")
    finally:
        database.stop()
        shutil.rmtree(work, ignore_errors=True)


def api_key(data: dict) -> str:
    from tenancy import services as tenancy_services

    _, key = tenancy_services.api_key_create(
        actor=data["user"], workspace=data["workspace"], name="b"
    )
    return key


if __name__ == "__main__":
    main()
