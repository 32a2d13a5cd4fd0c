"""Sync N rows of a PostgreSQL table through the real engine into the service's own database
(PostgreSQL), next to the physical limit: the same rows piped from ``COPY ... TO STDOUT`` into
``COPY ... FROM STDIN`` on the same server, in the same run. Prints rows per second of both and
their ratio.

    python bench/sync_postgres.py              # N = 1,000,000
    python bench/sync_postgres.py --smoke      # N = 2,000 (CI)
    python bench/sync_postgres.py --rows 100000 --batch-size 1000 --max-batches 100

A throw-away PostgreSQL server (``tests.servers.postgres``) holds two databases: ``source`` with
the table to read (``bench_items``: eight columns, about 260 bytes a row, an index on
(updated_at, id) as the keyset read wants) and ``hub``, the service's database. The sync runs in
one real Celery worker (concurrency 1, file-system broker, DEBUG off) from a
``postgres-connector`` connector; its rate counts from the sync's start to its end, so it
includes the check of every task run, the keyset queries, JSON documents, content hashes, the
upserts and each batch's checkpoint.
"""

import argparse
import os
import shutil
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


def _fill_source(server, rows: int) -> None:
    import psycopg

    server.psql(f"CREATE DATABASE source OWNER {server.dsn()['user']}")
    with psycopg.connect(**server.dsn("source"), autocommit=True) as connection:
        connection.execute(f"CREATE TABLE {SOURCE_TABLE} ({COLUMNS})")
        connection.execute(
            f"INSERT INTO {SOURCE_TABLE} SELECT g, 'SKU-' || lpad(g::text, 8, '0'), "
            "'Item number ' || g, (ARRAY['tools', 'garden', 'kitchen', 'books'])[1 + g % 4], "
            "round((g % 10000) * 1.37, 2), g % 500, "
            "repeat(md5(g::text), 4) || ' stocked in aisle ' || (g % 97), "
            "timestamptz '2024-01-01 00:00:00+00' + (g / 3) * interval '1 second' "
            f"FROM generate_series(1, {rows}) g"
        )
        connection.execute(f"CREATE INDEX bench_items_keyset ON {SOURCE_TABLE} (updated_at, id)")
        connection.execute(f"VACUUM ANALYZE {SOURCE_TABLE}")


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


def _definition():
    from connectors import services
    from connectors.models import ConnectorDefinition, DefinitionStatus

    services.catalog_load(actor=None)
    return ConnectorDefinition.objects.get(
        connector_id="postgres-connector", status=DefinitionStatus.LIVE
    )


def sync_rate(server, rows: int, *, batch_size: int, max_batches: int, log_dir: Path) -> dict:
    from sync_sample import _workspace, sync_seconds, wait_for_sync

    from connectors import services
    from connectors.tasks import check_connector
    from syncs import services as sync_services
    from syncs.models import SyncTrigger
    from syncs.scheduling import Schedule
    from tests.servers.celery_worker import purge_broker, service_env, start_worker
    from tests.servers.postgres import PASSWORD, USER

    user, workspace = _workspace()
    purge_broker()
    worker = start_worker(service_env(), log_dir)
    try:
        connector = services.connector_create(
            actor=user,
            workspace=workspace,
            definition=_definition(),
            name=f"postgres-{rows}-{time.time_ns()}",
            schedule=Schedule(),
            config={
                "connector_config": {
                    "databaseType": "PostgreSQL",
                    "connection_info": {
                        "host": "127.0.0.1",
                        "port": server.port,
                        "name": "source",
                        "username": USER,
                        "password": PASSWORD,
                    },
                    "schemaInfo": {"table": SOURCE_TABLE, "timestampColumn": "updated_at"},
                },
                "operations_config": {"batch_size": batch_size, "max_batches": max_batches},
            },
        )
        check_connector(str(connector.pk), str(connector.check_token))
        connector.refresh_from_db()
        if connector.state != "running":
            raise RuntimeError(f"the check failed: {connector.state_reason}")
        sync = sync_services.sync_trigger(
            actor=user, connector=connector, trigger=SyncTrigger.MANUAL
        )
        wait_for_sync(sync, worker)
        peak_kib = worker.peak_rss_kib()
    finally:
        worker.stop()
    seconds = sync_seconds(sync, connector, rows)
    return {"seconds": seconds, "rate": rows / seconds, "peak_mib": peak_kib / 1024}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="N = 2,000 only")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--max-batches", type=int, default=100)
    args = parser.parse_args()
    rows = 2_000 if args.smoke else args.rows

    from tests.servers import postgres

    var_dir = Path(tempfile.mkdtemp(prefix="bench-postgres."))
    server = postgres.start()
    configured = False
    try:
        os.environ["DATABASE_URL"] = server.url
        os.environ["CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS"] = "true"  # the source is on loopback
        from sync_sample import _configure

        _configure(var_dir)
        configured = True
        started = time.perf_counter()
        _fill_source(server, rows)
        print(
            f"sync_postgres: {rows:,} rows ({time.perf_counter() - started:.1f} s to generate), "
            f"PostgreSQL 15 on loopback for source and service, batches of {args.batch_size}, "
            f"{args.max_batches} batches per task run, one worker (concurrency 1), DEBUG off"
        )
        copy = copy_rate(server, rows)
        print(f"COPY TO STDOUT | COPY FROM STDIN  {copy:12,.0f} rows/s   (the physical limit)")
        result = sync_rate(
            server,
            rows,
            batch_size=args.batch_size,
            max_batches=args.max_batches,
            log_dir=var_dir / "logs",
        )
        print(
            f"sync through the engine           {result['rate']:12,.0f} rows/s   "
            f"({result['seconds']:.1f} s, worker peak RSS {result['peak_mib']:.0f} MiB)"
        )
        print(f"ratio COPY / sync                 {copy / result['rate']:12.1f}x")
        return 0
    finally:
        if configured:
            from django.db import connections

            connections.close_all()
        server.stop()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
