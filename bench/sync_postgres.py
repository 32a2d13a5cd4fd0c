"""Sync a PostgreSQL table through the real engine and a real Celery worker, next to the physical
limit and to dlt, in one run on the same table; then the scale, memory and deletion figures.

    python bench/sync_postgres.py              # N = 1,000,000 (and 100,000 / 10,000 for ratios)
    python bench/sync_postgres.py --smoke      # N = 2,000 (CI)
    python bench/sync_postgres.py --rows 200000 --small 20000

A throw-away PostgreSQL server (``tests.servers.postgres``) holds the source database (the table
``bench_items``: eight columns, about 260 bytes a row, an index on (updated_at, id) as the
keyset read wants) and the service's databases. Interleaved on the same N rows:

- limit: ``COPY bench_items TO STDOUT`` piped into ``COPY ... FROM STDIN`` on the same server;
- service: a first sync of a ``postgres-connector`` through one worker (concurrency 1, DEBUG
  off), from the sync's start to its end (task runs, keyset queries, JSON documents, hashes,
  writes, checkpoints), with PostgreSQL as the service database, then with SQLite; and through
  the worker ``make run`` starts (two processes, so the read is split in two parts read at once);
  the goals against dlt and the limit apply to this one, the service as it is shipped, and the
  one-process figures are printed next to them;
- dlt: ``sql_table`` with the pyarrow and the connectorx backends into PostgreSQL (the faster
  counts), from ``pipeline.run`` to its end.

Each of these runs once per round (``--rounds``, 2 by default), the rounds one after the other,
and keeps its best round: on a shared machine a slow spell then lowers no contender alone.

Then: first syncs of ``--small`` and N rows on service databases whose statistics are stale
(never analysed), fresh (analysed while empty) and current (analysed before each sync): the
rate at N over the rate at ``--small`` shows any cost that grows with the table; the worker's peak
memory at N over its peak at ``--tiny`` rows; an incremental sync after 0.1% of the rows changed
and 0.05% were deleted (the keys-only listing that finds deletions included). Every service
measurement runs in a process of its own (``--service``), configured for its database.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SOURCE_TABLE = "bench_items"
COLUMNS = (
    "id bigint PRIMARY KEY, sku text NOT NULL, title text NOT NULL, category text NOT NULL, "
    "price numeric(10,2) NOT NULL, quantity integer NOT NULL, description text NOT NULL, "
    "updated_at timestamptz NOT NULL"
)
# The worker ``make run`` starts (Procfile): one node of two processes.
SHIPPED_CONCURRENCY = 2
GOALS = {"dlt": 1.0, "limit": 0.20, "sqlite": 0.5, "scale": 0.8, "memory": 1.2}


def _fill_source(server, table: str, rows: int) -> None:
    import psycopg

    with psycopg.connect(**server.dsn("source"), autocommit=True) as connection:
        connection.execute(f"CREATE TABLE {table} ({COLUMNS})")
        connection.execute(
            f"INSERT INTO {table} SELECT g, 'SKU-' || lpad(g::text, 8, '0'), "
            "'Item number ' || g, (ARRAY['tools', 'garden', 'kitchen', 'books'])[1 + g % 4], "
            "round((g % 10000) * 1.37, 2), g % 500, "
            "repeat(md5(g::text), 4) || ' stocked in aisle ' || (g % 97), "
            "timestamptz '2024-01-01 00:00:00+00' + (g / 3) * interval '1 second' "
            f"FROM generate_series(1, {rows}) g"
        )
        connection.execute(f"CREATE INDEX {table}_keyset ON {table} (updated_at, id)")
        connection.execute(f"VACUUM ANALYZE {table}")


def _copy_table(server, table: str, copy: str) -> None:
    import psycopg

    with psycopg.connect(**server.dsn("source"), autocommit=True) as connection:
        connection.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
        connection.execute(f"INSERT INTO {copy} SELECT * FROM {table}")
        connection.execute(f"VACUUM ANALYZE {copy}")


def copy_rate(server, rows: int) -> float:
    """Rows per second of COPY TO STDOUT piped into COPY FROM STDIN (source -> hub)."""
    import psycopg

    with (
        psycopg.connect(**server.dsn("source")) as source,
        psycopg.connect(**server.dsn("hub")) as target,
    ):
        target.execute(f"DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy ({COLUMNS})")
        target.commit()
        started = time.perf_counter()
        with (
            source.cursor().copy(f"COPY {SOURCE_TABLE} TO STDOUT") as outgoing,
            target.cursor().copy("COPY bench_copy FROM STDIN") as incoming,
        ):
            for block in outgoing:
                incoming.write(block)
        target.commit()
        seconds = time.perf_counter() - started
        copied = target.execute("SELECT count(*) FROM bench_copy").fetchone()[0]
        target.execute("DROP TABLE bench_copy")
        target.commit()
    if copied != rows:
        raise RuntimeError(f"COPY moved {copied} rows instead of {rows}")
    return rows / seconds


# -- one service measurement, in a process of its own -------------------------------------------


def _definition():
    from registry import services
    from registry.models import ConnectorDefinition, DefinitionStatus

    services.catalog_load(actor=None)
    return ConnectorDefinition.objects.get(
        connector_id="postgres-connector", status=DefinitionStatus.LIVE
    )


def _set_statistics(state: str) -> None:
    """stale: never analysed; fresh: analysed while empty; both kept so (no autovacuum)."""
    from django.db import connection

    if connection.vendor != "postgresql" or state == "current":
        return
    with connection.cursor() as cursor:
        if state == "fresh":
            cursor.execute("ANALYZE")
        for table in ("syncs_document", "syncs_listedkey"):
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


def _analyse_if_current(state: str) -> None:
    from django.db import connection

    if connection.vendor == "postgresql" and state == "current":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _connector(user, workspace, port: int, table: str, batch_size: int, max_batches: int):
    from connectors import services
    from connectors.schedules import Schedule
    from connectors.tasks import check_connector
    from tests.servers.postgres import PASSWORD, USER

    connector = services.connector_create(
        actor=user,
        workspace=workspace,
        definition=_definition(),
        name=f"postgres-{table}-{time.time_ns()}",
        schedule=Schedule(),
        config={
            "connector_config": {
                "databaseType": "PostgreSQL",
                "connection_info": {
                    "host": "127.0.0.1",
                    "port": port,
                    "name": "source",
                    "username": USER,
                    "password": PASSWORD,
                },
                "schemaInfo": {"table": table, "timestampColumn": "updated_at"},
            },
            "operations_config": {"batch_size": batch_size, "max_batches": max_batches},
        },
    )
    check_connector(str(connector.pk), str(connector.check_token))
    connector.refresh_from_db()
    if connector.state != "running":
        raise RuntimeError(f"the check failed: {connector.state_reason}")
    return connector


def _timed_sync(user, connector, worker, expected_documents: int) -> dict:
    from sync_sample import wait_for_sync

    from syncs import services as sync_services
    from syncs.models import Document, SyncTrigger

    sync = sync_services.sync_trigger(actor=user, connector=connector, trigger=SyncTrigger.MANUAL)
    wait_for_sync(sync, worker)
    if sync.status != "succeeded":
        raise RuntimeError(f"the sync {sync.status}: {sync.error_message}")
    live = Document.objects.filter(connector=connector, deleted_at__isnull=True).count()
    if live != expected_documents:
        raise RuntimeError(f"{live} live documents instead of {expected_documents}")
    seconds = (sync.finished_at - sync.started_at).total_seconds()
    return {
        "seconds": seconds,
        "created": sync.documents_created,
        "updated": sync.documents_updated,
        "deleted": sync.documents_deleted,
        "seen": sync.documents_seen,
    }


def service_main(args) -> int:
    """``--service``: run the syncs the arguments name, print one JSON line of results."""
    from tests.servers.postgres import PASSWORD, USER

    var_dir = Path(tempfile.mkdtemp(prefix="bench-service."))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{var_dir / 'hub.sqlite3'}"
    os.environ["CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS"] = "true"  # the source is on loopback
    # As many parts as the worker has processes: what the heartbeat-based default settles on once
    # the worker has beaten, without racing its first heartbeat.
    os.environ["CONNECTOR_HUB_SYNC_PARTS"] = str(args.concurrency)
    from sync_sample import _configure, _workspace

    _configure(var_dir)
    from django.db import connection, connections

    from syncs.models import SyncPart
    from tests.servers.celery_worker import purge_broker, service_env, start_worker

    _set_statistics(args.statistics)
    user, workspace = _workspace()
    purge_broker()
    worker = start_worker(service_env(), var_dir / "logs", concurrency=args.concurrency)
    results = {"vendor": connection.vendor, "syncs": [], "parts": 0}
    try:
        for table, rows in zip(args.tables, args.counts, strict=True):
            connector = _connector(
                user, workspace, args.source_port, table, args.batch_size, args.max_batches
            )
            _analyse_if_current(args.statistics)
            first = _timed_sync(user, connector, worker, rows)
            first["rows"], first["rate"] = rows, rows / first["seconds"]
            first["peak_mib"] = worker.peak_rss_kib() / 1024
            results["parts"] = SyncPart.objects.filter(sync__connector=connector).count()
            results["syncs"].append(first)
            if args.changes:
                import psycopg

                changed, deleted = max(1, rows // 1000), max(1, rows // 2000)
                with psycopg.connect(
                    host="127.0.0.1",
                    port=args.source_port,
                    dbname="source",
                    user=USER,
                    password=PASSWORD,
                    autocommit=True,
                ) as source:
                    source.execute(
                        f"UPDATE {table} SET updated_at = now(), title = title || ' (edited)' "
                        f"WHERE id <= {changed}"
                    )
                    source.execute(f"DELETE FROM {table} WHERE id > {rows - deleted}")
                again = _timed_sync(user, connector, worker, rows - deleted)
                if (again["updated"], again["deleted"]) != (changed, deleted):
                    raise RuntimeError(f"the incremental sync counted {again}")
                again["rows"], again["changed"] = rows, changed
                results["incremental"] = again
    finally:
        worker.stop()
        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)
    print("RESULT " + json.dumps(results))
    return 0


def _service(server, *, database: str | None, tables, counts, statistics="current", **options):
    """Run ``--service`` in a fresh process; its results."""
    url = None
    if database:
        server.psql(f"CREATE DATABASE {database} OWNER {server.dsn()['user']}")
        url = server.url.rsplit("/", 1)[0] + f"/{database}"
    command = [
        sys.executable,
        __file__,
        "--service",
        "--source-port",
        str(server.port),
        "--statistics",
        statistics,
        "--tables",
        *tables,
        "--counts",
        *map(str, counts),
    ]
    if url:
        command += ["--database-url", url]
    for name, value in options.items():
        if value is True:
            command.append(f"--{name.replace('_', '-')}")
        elif value is not None and value is not False:
            command += [f"--{name.replace('_', '-')}", str(value)]
    return run_for_result(command, "the service run")


def run_for_result(command: list[str], what: str) -> dict:
    """Run a measurement in a process of its own (without this one's DATABASE_URL); the JSON of
    its ``RESULT`` line."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        raise RuntimeError(f"{what} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT ") :])


# -- dlt, in a process of its own ---------------------------------------------------------------


def dlt_main(args) -> int:
    import dlt
    from dlt.sources.sql_database import sql_table

    from tests.servers.postgres import PASSWORD, USER

    work = Path(tempfile.mkdtemp(prefix="bench-dlt."))
    os.environ["DLT_DATA_DIR"] = str(work / "data")
    os.environ["RUNTIME__LOG_LEVEL"] = "WARNING"
    base = f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{args.source_port}"
    try:
        table = sql_table(
            credentials=f"{base}/source", table=SOURCE_TABLE, backend=args.dlt, chunk_size=50_000
        )
        pipeline = dlt.pipeline(
            pipeline_name=f"bench_{args.dlt}",
            destination=dlt.destinations.postgres(f"{base}/{args.dlt_database}"),
            dataset_name=f"bench_{args.dlt}",
            pipelines_dir=str(work / "pipelines"),
        )
        started = time.perf_counter()
        pipeline.run(table)
        seconds = time.perf_counter() - started
        with pipeline.sql_client() as client:
            rows = client.execute_sql(f"SELECT count(*) FROM bench_{args.dlt}.{SOURCE_TABLE}")
        print("RESULT " + json.dumps({"seconds": seconds, "rows": rows[0][0]}))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def dlt_rate(server, rows: int, backend: str) -> float:
    database = f"dlt_{backend}_{time.time_ns() % 100000}"
    server.psql(f"CREATE DATABASE {database} OWNER {server.dsn()['user']}")
    command = [
        sys.executable,
        __file__,
        "--dlt",
        backend,
        "--dlt-database",
        database,
        "--source-port",
        str(server.port),
    ]
    result = run_for_result(command, f"dlt ({backend})")
    if result["rows"] != rows:
        raise RuntimeError(f"dlt ({backend}) loaded {result['rows']} rows instead of {rows}")
    return rows / result["seconds"]


# -- the run --------------------------------------------------------------------------------------


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="N = 2,000, small figures only")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=100_000, help="rows of the scale baseline")
    parser.add_argument("--tiny", type=int, default=10_000, help="rows of the memory baseline")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--max-batches", type=int, default=10)
    parser.add_argument(
        "--rounds", type=int, default=2, help="rounds of the first-sync figures (best counts)"
    )
    parser.add_argument("--service", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--statistics", default="current", help=argparse.SUPPRESS)
    parser.add_argument("--tables", nargs="*", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--counts", type=int, nargs="*", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--changes", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--source-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--concurrency", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--dlt", help=argparse.SUPPRESS)
    parser.add_argument("--dlt-database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.service:
        return service_main(args)
    if args.dlt:
        return dlt_main(args)
    rows, small, tiny = args.rows, args.small, args.tiny
    if args.smoke:
        rows, small, tiny = 2_000, 1_000, 500
        args.rounds = 1

    from tests.servers import postgres

    server = postgres.start()
    try:
        server.psql(f"CREATE DATABASE source OWNER {server.dsn()['user']}")
        started = time.perf_counter()
        sizes = {SOURCE_TABLE: rows, "bench_small": small, "bench_tiny": tiny}
        for table, count in sizes.items():
            _fill_source(server, table, count)
        print(
            f"sync_postgres: {rows:,} rows ({time.perf_counter() - started:.0f} s to generate), "
            f"PostgreSQL 15 on loopback for source and service, batches of {args.batch_size}, "
            f"{args.max_batches} batches per task run, one worker (concurrency 1), DEBUG off; "
            f"load average {_load()}"
        )
        options = {"batch_size": args.batch_size, "max_batches": args.max_batches}

        def service_rate(database: str | None, **more) -> tuple[float, dict]:
            result = _service(
                server, database=database, tables=[SOURCE_TABLE], counts=[rows], **options, **more
            )
            return result["syncs"][0]["rate"], result

        def settled(measure):
            """Each contender starts on a quiet server: the one before it has its database
            dropped and every dirty page written, so none pays for another's writeback."""
            for database in server.psql(
                "SELECT datname FROM pg_database WHERE datname ~ '^(hub_|dlt_)'"
            ).split():
                server.psql(f"DROP DATABASE {database}")
            server.psql("CHECKPOINT")
            return measure()

        # Every contender runs once per round, the rounds one after the other; each keeps its
        # best round, so a slow spell of the machine does not decide a ratio.
        rates: dict[str, list[float]] = {}
        parts = 0
        for round_number in range(1, args.rounds + 1):
            rates.setdefault("limit", []).append(settled(lambda: copy_rate(server, rows)))
            rate, service = settled(lambda n=round_number: service_rate(f"hub_main_{n}"))
            rates.setdefault("service", []).append(rate)
            rate, shipped = settled(
                lambda n=round_number: service_rate(
                    f"hub_shipped_{n}", concurrency=SHIPPED_CONCURRENCY
                )
            )
            rates.setdefault("shipped", []).append(rate)
            parts = shipped["parts"]
            for backend in ("pyarrow", "connectorx"):
                rates.setdefault(backend, []).append(
                    settled(lambda b=backend: dlt_rate(server, rows, b))
                )
            rates.setdefault("sqlite", []).append(settled(lambda: service_rate(None))[0])
        best = {name: max(runs) for name, runs in rates.items()}
        limit, pg_rate, shipped_rate, sqlite_rate = (
            best["limit"],
            best["service"],
            best["shipped"],
            best["sqlite"],
        )
        dlt = {backend: best[backend] for backend in ("pyarrow", "connectorx")}
        fastest = max(dlt, key=dlt.get)

        def runs(name: str) -> str:
            return "(runs: " + ", ".join(f"{rate:,.0f}" for rate in rates[name]) + ")"

        def line(name, rate, note=""):
            print(f"  {name:<44}{rate:>12,.0f} rows/s  {note}")

        print(f"\nfirst sync of {rows:,} rows (load average {_load()})")
        line("limit: COPY TO STDOUT | COPY FROM STDIN", limit, runs("limit"))
        line("service, PostgreSQL, one worker process", pg_rate, runs("service"))
        line(
            f"  shipped worker: {SHIPPED_CONCURRENCY} processes, {parts} parts",
            shipped_rate,
            runs("shipped"),
        )
        line("service, SQLite, one worker process", sqlite_rate, runs("sqlite"))
        for backend, rate in dlt.items():
            fastest_note = " fastest" if backend == fastest else ""
            line(f"dlt sql_table, backend {backend}", rate, runs(backend) + fastest_note)
        print(
            f"  shipped worker / dlt fastest   {shipped_rate / dlt[fastest]:.2f}x  "
            f"(goal >= {GOALS['dlt']})\n"
            f"  shipped worker / limit         {shipped_rate / limit:.2f}   "
            f"(goal >= {GOALS['limit']})\n"
            f"  one process / dlt fastest      {pg_rate / dlt[fastest]:.2f}x\n"
            f"  one process / limit            {pg_rate / limit:.2f}\n"
            f"  SQLite / PostgreSQL            {sqlite_rate / pg_rate:.2f}   "
            f"(goal >= {GOALS['sqlite']}, one process each)"
        )
        _copy_table(server, SOURCE_TABLE, "bench_changes")
        incremental = _service(
            server,
            database="hub_changes",
            tables=["bench_changes"],
            counts=[rows],
            changes=True,
            **options,
        )["incremental"]
        print(
            f"\nincremental sync of {rows:,} rows, {incremental['changed']:,} updated and "
            f"{incremental['deleted']:,} deleted at the source: {incremental['seconds']:.1f} s "
            f"(primary keys listed and compared in the database: {rows / incremental['seconds']:,.0f} "
            "keys/s overall)"
        )

        print(f"\nfirst syncs, {small:,} then {rows:,} rows, by the service database's statistics")
        for state in ("stale",) if args.smoke else ("stale", "fresh", "current"):
            scale = _service(
                server,
                database=f"hub_{state}",
                tables=["bench_small", SOURCE_TABLE],
                counts=[small, rows],
                statistics=state,
                **options,
            )
            low, high = scale["syncs"]
            print(
                f"  {state:<8} {low['rate']:>10,.0f} rows/s at {small:,}  {high['rate']:>10,.0f} "
                f"rows/s at {rows:,}  ratio {high['rate'] / low['rate']:.2f} "
                f"(goal >= {GOALS['scale']})"
            )

        memory = _service(
            server, database="hub_memory", tables=["bench_tiny"], counts=[tiny], **options
        )
        low_peak, high_peak = memory["syncs"][0]["peak_mib"], service["syncs"][0]["peak_mib"]
        print(
            f"\nworker peak RSS: {low_peak:.0f} MiB at {tiny:,} rows, {high_peak:.0f} MiB at "
            f"{rows:,}: ratio {high_peak / low_peak:.2f} (goal <= {GOALS['memory']}); "
            f"load average {_load()}"
        )
        return 0
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
