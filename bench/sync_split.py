"""One first sync of a big PostgreSQL table read in parts by 1, 2 and 4 workers, in one run on
the same table, PostgreSQL as the service database.

    python bench/sync_split.py               # N = 2,000,000
    python bench/sync_split.py --smoke       # N = 20,000 (CI)
    python bench/sync_split.py --rows 500000

The table is ``sync_postgres.py``'s (``bench_items``, about 260 bytes a row). Each measurement runs
in a process of its own with a fresh service database and its own workers (concurrency 1 each,
``CONNECTOR_HUB_SYNC_PARTS`` = the worker count), timed from the sync's start to its end. The
part overhead is the same table read in 2 parts by ONE worker (the parts one after the other)
against one read in one go: what splitting costs when there is no second worker to gain from.
The service database takes every part's writes, so past the cores the machine has, more workers
wait on it instead of going faster.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sync_postgres import (  # noqa: E402
    SOURCE_TABLE,
    _connector,
    _fill_source,
    _load,
    run_for_result,
)


def service_main(args) -> int:
    """``--service``: start the workers, sync the table once, print one JSON line."""
    var_dir = Path(tempfile.mkdtemp(prefix="bench-split."))
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS"] = "true"
    os.environ["CONNECTOR_HUB_SYNC_PARTS"] = str(args.parts)
    os.environ["CONNECTOR_HUB_SYNC_PART_LEAST"] = "1"
    from sync_sample import _configure, _workspace

    _configure(var_dir)
    from django.db import connections

    from syncs import services as sync_services
    from syncs.models import FINISHED_STATUSES, Document, SyncPart, SyncTrigger
    from tests.servers.celery_worker import purge_broker, service_env, start_worker

    user, workspace = _workspace()
    purge_broker()
    env = service_env()
    workers = [start_worker(env, var_dir / f"logs-{n}") for n in range(args.workers)]
    try:
        connector = _connector(
            user, workspace, args.source_port, SOURCE_TABLE, args.batch_size, args.max_batches
        )
        sync = sync_services.sync_trigger(
            actor=user, connector=connector, trigger=SyncTrigger.MANUAL
        )
        while True:
            time.sleep(0.5)
            sync.refresh_from_db()
            if sync.status in FINISHED_STATUSES:
                break
            if any(worker.process.poll() is not None for worker in workers):
                raise RuntimeError("a worker died:\n" + workers[0].log_tail())
        if sync.status != "succeeded":
            raise RuntimeError(f"the sync {sync.status}: {sync.error_message}")
        stored = Document.objects.filter(connector=connector).count()
        if stored != args.rows:
            raise RuntimeError(f"{stored} documents stored instead of {args.rows}")
        seconds = (sync.finished_at - sync.started_at).total_seconds()
        parts = SyncPart.objects.filter(sync=sync).count()
    finally:
        for worker in workers:
            worker.stop()
        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)
    print("RESULT " + json.dumps({"seconds": seconds, "parts": parts}))
    return 0


def measure(server, rows: int, *, workers: int, parts: int, options: dict) -> dict:
    database = f"hub_split_{workers}_{parts}_{time.time_ns() % 100000}"
    server.psql(f"CREATE DATABASE {database} OWNER {server.dsn()['user']}")
    url = server.url.rsplit("/", 1)[0] + f"/{database}"
    command = [
        sys.executable,
        __file__,
        "--service",
        "--database-url",
        url,
        "--source-port",
        str(server.port),
        "--rows",
        str(rows),
        "--workers",
        str(workers),
        "--parts",
        str(parts),
        "--batch-size",
        str(options["batch_size"]),
        "--max-batches",
        str(options["max_batches"]),
    ]
    result = run_for_result(command, "the service run")
    result["rate"] = rows / result["seconds"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="N = 20,000")
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--max-batches", type=int, default=10)
    parser.add_argument("--service", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--source-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--parts", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.service:
        return service_main(args)
    rows = 20_000 if args.smoke else args.rows

    from tests.servers import postgres

    server = postgres.start()
    try:
        server.psql(f"CREATE DATABASE source OWNER {server.dsn()['user']}")
        _fill_source(server, SOURCE_TABLE, rows)
        options = {"batch_size": args.batch_size, "max_batches": args.max_batches}
        print(
            f"sync_split: a first sync of {rows:,} rows, PostgreSQL 15 on loopback for source and "
            f"service, {os.cpu_count()} cores, batches of {args.batch_size}; load average {_load()}"
        )
        runs = [("1 worker, one read", 1, 1)]
        runs += [("1 worker, 2 parts (overhead)", 1, 2)]
        runs += [(f"{n} workers, {n} parts", n, n) for n in (2, 4)]
        results = {}
        for name, workers, parts in runs:
            results[name] = measure(server, rows, workers=workers, parts=parts, options=options)
        baseline = results["1 worker, one read"]["rate"]
        print(f"\n  {'run':<32}{'parts':>6}{'seconds':>10}{'rows/s':>12}{'vs one read':>13}")
        for name, result in results.items():
            print(
                f"  {name:<32}{result['parts']:>6}{result['seconds']:>10.1f}"
                f"{result['rate']:>12,.0f}{result['rate'] / baseline:>12.2f}x"
            )
        print(f"\nload average {_load()}")
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
