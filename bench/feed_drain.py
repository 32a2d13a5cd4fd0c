"""Draining the change feed of a 1,000,000-document collection through the API, page by page, next
to reading the same rows straight from the table by keyset in the same run; then polling for 0.1%
of the documents changed.

    python bench/feed_drain.py                  # N = 1,000,000 documents in 4 connectors
    python bench/feed_drain.py --smoke          # N = 5,000 (CI)
    python bench/feed_drain.py --documents 200000 --connectors 2 --limit 500

A throw-away PostgreSQL (``tests.servers.postgres``) and gunicorn (one worker, one thread: one
consumer reads sequentially). The collection's connectors hold N/C documents each of about 400
bytes of text, written 10,000 per transaction (as many stamps as a sync's batches would give);
half of the connectors joined the collection before their documents were written, half after,
so the drain reads both kinds of run. Prints:

- documents/s of the drain (``limit`` changes per page, content included) and of the baseline:
  psycopg reading the same columns of the same rows by a keyset on (connector_id, id);
- page latency at the start and at the end of the drain (median of the first and last 20 full
  pages) and their ratio (the goal: within 1.5x, since pages are read by keyset, never offset),
  next to what OFFSET pagination costs at the same two places;
- after 0.1% of the documents change (in 10 transactions), the time to poll them all from the
  drained cursor, how many changes came, and the time per change next to the drain's.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHUNK = 10_000
TEXT = "repeat(md5(g::text), 12)"  # 384 characters


def seed(documents: int, connectors: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from connectors import services
    from registry.selectors import definition_for_type
    from tenancy import services as tenancy_services

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_catalog", stdout=quiet)
    definition = definition_for_type("sample-data")
    user = get_user_model().objects.create_user(username="bench")
    workspace = tenancy_services.workspace_create(actor=user, name="Bench", slug="bench")
    _, key = tenancy_services.api_key_create(actor=user, workspace=workspace, name="bench")
    space = tenancy_services.space_create(actor=user, workspace=workspace, name="Space")
    collection = tenancy_services.collection_create(actor=user, space=space, name="Collection")
    each = documents // connectors
    created = []
    for n in range(connectors):
        connector = services.connector_create(
            actor=user, workspace=workspace, definition=definition, name=f"source-{n}"
        )
        created.append(connector)
        joins_first = n % 2 == 0
        if joins_first:
            services.connector_associate(actor=user, connector=connector, collection=collection)
        for start in range(0, each, CHUNK):
            end = min(each, start + CHUNK)
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO syncs_document (connector_id, external_id, title, url, "
                    "mime_type, content, content_hash, metadata, size, first_seen_at, "
                    f"last_seen_at) SELECT %s, 'doc-' || g, 'Document ' || g, '', 'text/plain', "
                    f"{TEXT}, md5(g::text) || md5(g::text), '{{}}'::jsonb, 384, now(), now() "
                    "FROM generate_series(%s, %s) g",
                    [connector.pk, start, end - 1],
                )
        if not joins_first:
            services.connector_associate(actor=user, connector=connector, collection=collection)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE syncs_document")
    return {
        "key": key,
        "path": f"/v1/spaces/{space.pk}/collections/{collection.pk}/documents/changes",
        "connectors": [str(c.pk) for c in created],
    }


def baseline_rate(dsn: dict, connectors: list[str], limit: int) -> tuple[float, int]:
    """Documents/s of reading the rows by keyset, straight from the table."""
    import psycopg

    read = 0
    started = time.perf_counter()
    with psycopg.connect(**dsn) as db:
        for connector in connectors:
            last = 0
            while True:
                rows = db.execute(
                    "SELECT id, connector_id, external_id, title, url, mime_type, size, metadata, "
                    "content_hash, source_created_at, source_updated_at, first_seen_at, content "
                    "FROM syncs_document WHERE connector_id = %s AND id > %s ORDER BY id LIMIT %s",
                    [connector, last, limit],
                ).fetchall()
                if not rows:
                    break
                read += len(rows)
                last = rows[-1][0]
    return read / (time.perf_counter() - started), read


def offset_latency(dsn: dict, documents: int, limit: int) -> tuple[float, float]:
    """Milliseconds of one page at the start and at the end by OFFSET, for comparison."""
    import psycopg

    def page(offset: int) -> float:
        times = []
        for _ in range(5):
            started = time.perf_counter()
            db.execute(
                "SELECT id, content FROM syncs_document ORDER BY id LIMIT %s OFFSET %s",
                [limit, offset],
            ).fetchall()
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    with psycopg.connect(**dsn) as db:
        return page(0), page(max(0, documents - limit))


def drain(client, path: str, limit: int, cursor=None) -> dict:
    latencies, changes, ids = [], 0, set()
    started = time.perf_counter()
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        began = time.perf_counter()
        response = client.get(path, params=params)
        elapsed = time.perf_counter() - began
        response.raise_for_status()
        body = response.json()
        if len(body["data"]) == limit:
            latencies.append(elapsed * 1000)
        changes += len(body["data"])
        ids.update(change["document"]["id"] for change in body["data"])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            break
    return {
        "seconds": time.perf_counter() - started,
        "changes": changes,
        "ids": len(ids),
        "latencies": latencies,
        "cursor": cursor,
    }


def change_some(dsn: dict, documents: int, transactions: int = 10) -> int:
    """Rewrite 0.1% of the documents, spread over the table, as a sync would (stamped)."""
    import psycopg

    changed = max(1, documents // 1000)
    step = max(1, documents // changed)
    with psycopg.connect(**dsn) as db:
        ids = [row[0] for row in db.execute("SELECT id FROM syncs_document ORDER BY id")]
        chosen = ids[::step][:changed]
        per = -(-len(chosen) // transactions)
        for start in range(0, len(chosen), per):
            with db.transaction():
                db.execute(
                    "UPDATE syncs_document SET content = content || ' (edited)', "
                    "content_hash = md5(content_hash), "
                    "change_stamp = pg_current_xact_id()::text::bigint, "
                    "changed_at = STATEMENT_TIMESTAMP() WHERE id = ANY(%s)",
                    [chosen[start : start + per]],
                )
    return len(chosen)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="5,000 documents (CI)")
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--connectors", type=int, default=4)
    parser.add_argument("--limit", type=int, default=1000, help="changes per page (1-1000)")
    args = parser.parse_args()
    if args.smoke:
        args.documents, args.connectors = 5_000, 2

    import httpx

    from tests.servers import gunicorn, postgres

    work = Path(tempfile.mkdtemp(prefix="feed-drain."))
    database = postgres.start()
    server = None
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CONNECTOR_HUB_VAR_DIR": str(work / "var"),
            "DATABASE_URL": database.url,
            "DEBUG": "false",
            "CONNECTOR_HUB_DB_CONN_MAX_AGE": "60",
            "CONNECTOR_HUB_LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": "off",
            "CONNECTOR_HUB_THROTTLE_ENABLED": "false",
        }
        os.environ.update(env)
        began = time.perf_counter()
        ids = seed(args.documents, args.connectors)
        seeded = time.perf_counter() - began
        server = gunicorn.start(env, work, workers=1, threads=1)
        dsn = database.dsn()
        print(
            f"PostgreSQL, gunicorn 1 worker x 1 thread, one sequential consumer; "
            f"{args.documents:,} documents in {args.connectors} connectors (seeded in "
            f"{seeded:.0f} s); {args.limit} changes per page; {os.cpu_count()} cores "
            f"(load average before: {os.getloadavg()[0]:.1f})"
        )
        base_rate, base_rows = baseline_rate(dsn, ids["connectors"], args.limit)
        offset_start, offset_end = offset_latency(dsn, args.documents, args.limit)
        headers = {"X-API-Key": ids["key"]}
        with httpx.Client(base_url=server.url, headers=headers, timeout=120) as client:
            client.get(ids["path"], params={"limit": 1}).raise_for_status()  # warm up
            full = drain(client, ids["path"], args.limit)
            idle = []
            for _ in range(5):
                began = time.perf_counter()
                client.get(ids["path"], params={"cursor": full["cursor"]}).raise_for_status()
                idle.append((time.perf_counter() - began) * 1000)
            changed = change_some(dsn, args.documents)
            update = drain(client, ids["path"], args.limit, cursor=full["cursor"])

        rate = full["changes"] / full["seconds"]
        window = min(20, max(1, len(full["latencies"]) // 4))
        start = statistics.median(full["latencies"][:window])
        end = statistics.median(full["latencies"][-window:])
        per_change_drain = full["seconds"] * 1000 / full["changes"]
        per_change_update = update["seconds"] * 1000 / max(1, update["changes"])
        print(f"\n{'measure':<48} {'value':>14}")
        rows = [
            ("drain: changes received", f"{full['changes']:,}"),
            ("drain: distinct documents", f"{full['ids']:,}"),
            ("drain: documents/s", f"{rate:,.0f}"),
            ("baseline (keyset SQL, same columns): rows/s", f"{base_rate:,.0f}"),
            ("drain / baseline", f"{rate / base_rate:.2f}x"),
            (f"page latency at the start (median of {window}), ms", f"{start:.1f}"),
            (f"page latency at the end (median of {window}), ms", f"{end:.1f}"),
            ("end / start", f"{end / start:.2f}x"),
            ("OFFSET page at the start / at the end, ms", f"{offset_start:.1f} / {offset_end:.1f}"),
            ("poll with nothing new (median of 5), ms", f"{statistics.median(idle):.1f}"),
            ("documents changed (0.1%)", f"{changed:,}"),
            ("changes received by the next polls", f"{update['changes']:,}"),
            ("time to receive them, ms", f"{update['seconds'] * 1000:.1f}"),
            ("ms per change: polling / drain", f"{per_change_update:.3f} / {per_change_drain:.3f}"),
        ]
        for name, value in rows:
            print(f"{name:<48} {value:>14}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        problems = []
        if full["ids"] != args.documents or full["changes"] != args.documents:
            problems.append(f"the drain gave {full['changes']} changes of {full['ids']} documents")
        if update["changes"] != changed:
            problems.append(f"{update['changes']} changes polled for {changed} made")
        if base_rows != args.documents:
            problems.append(f"the baseline read {base_rows} rows")
        for problem in problems:
            print(f"!! {problem}")
        if problems:
            sys.exit(1)
    finally:
        if server is not None:
            server.stop()
        database.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
