"""Sync N ``sample-data`` documents through a real Celery worker; print documents per second and
the worker's peak memory.

    python bench/sync_sample.py            # N = 10,000 and 1,000,000, then the memory ratio
    python bench/sync_sample.py --smoke    # N = 1,000 only (CI)
    python bench/sync_sample.py --counts 10000 100000

Each N runs on a fresh database-backed connector and a fresh worker process (concurrency 1,
DEBUG off), so each peak is that run's own. Peak memory is the largest VmHWM of the worker's
processes. By default everything lives in a temporary folder (SQLite and the file-system
broker); set DATABASE_URL and CELERY_BROKER_URL to measure another setup. Target: the peak at
1,000,000 documents stays within 1.5x the peak at 10,000.
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

MEMORY_TARGET = 1.5


def _configure(var_dir: Path) -> None:
    import logging

    logging.getLogger("kombu").setLevel(logging.ERROR)
    os.environ["CONNECTOR_HUB_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'bench.sqlite3'}")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _sample_definition():
    from registry.models import ConnectorDefinition, DefinitionStatus
    from registry.sources.installed import KINDS_DIR

    folder = KINDS_DIR / "sample_data"
    metadata = json.loads((folder / "metadata.json").read_text())["metadata"]
    definition, _ = ConnectorDefinition.objects.get_or_create(
        connector_id=metadata["id"],
        version=metadata["version"],
        defaults={
            "name": metadata["name"],
            "implementation": metadata["id"],
            "category": metadata["category"],
            "status": DefinitionStatus.LIVE,
            "ui_spec": json.loads((folder / "ui-config.json").read_text()),
        },
    )
    return definition


def _workspace():
    from django.contrib.auth import get_user_model

    from tenancy import services as tenancy_services
    from tenancy.models import Workspace

    user, _ = get_user_model().objects.get_or_create(username="bench")
    workspace = Workspace.objects.filter(slug="bench").first()
    if workspace is None:
        workspace = tenancy_services.workspace_create(actor=user, name="Bench", slug="bench")
    return user, workspace


def wait_for_sync(sync, worker) -> None:
    """Poll ``sync`` until it ends; fail if the worker dies first."""
    from syncs.models import FINISHED_STATUSES

    while True:
        time.sleep(0.5)
        sync.refresh_from_db()
        if sync.status in FINISHED_STATUSES:
            return
        if worker.process.poll() is not None:
            raise RuntimeError(f"the worker died:\n{worker.log_tail()}")


def sync_seconds(sync, connector, count: int) -> float:
    """How long a finished sync took; fail unless it succeeded and stored ``count`` documents."""
    from syncs.models import Document

    if sync.status != "succeeded":
        raise RuntimeError(f"the sync {sync.status}: {sync.error_message}")
    stored = Document.objects.filter(connector=connector).count()
    if stored != count:
        raise RuntimeError(f"{stored} documents stored instead of {count}")
    return (sync.finished_at - sync.started_at).total_seconds()


def run_once(count: int, *, document_size: int, batch_size: int, log_dir: Path) -> dict:
    from connectors import services
    from connectors.tasks import check_connector
    from syncs import services as sync_services
    from syncs.models import SyncTrigger
    from tests.servers.celery_worker import purge_broker, service_env, start_worker

    user, workspace = _workspace()
    purge_broker()
    worker = start_worker(service_env(), log_dir)
    try:
        connector = services.connector_create(
            actor=user,
            workspace=workspace,
            definition=_sample_definition(),
            name=f"sample-{count}-{time.time_ns()}",
            config={
                "document_count": count,
                "document_size": document_size,
                "operations_config": {"batch_size": batch_size},
            },
        )
        check_connector(str(connector.pk), str(connector.check_token))
        connector.refresh_from_db()
        sync = sync_services.sync_trigger(
            actor=user, connector=connector, trigger=SyncTrigger.MANUAL
        )
        wait_for_sync(sync, worker)
        peaks = worker.peak_rss_by_process()
        peak_kib = max(peaks.values())
        pool_kib = max((kib for pid, kib in peaks.items() if pid != worker.pid), default=0)
    finally:
        worker.stop()
    seconds = sync_seconds(sync, connector, count)
    return {
        "count": count,
        "seconds": seconds,
        "rate": count / seconds,
        "peak_mib": peak_kib / 1024,
        "pool_mib": pool_kib / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="N = 1,000 only")
    parser.add_argument("--counts", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--document-size", type=int, default=512)
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()
    counts = [1_000] if args.smoke else args.counts

    var_dir = Path(tempfile.mkdtemp(prefix="bench-sync."))
    try:
        _configure(var_dir)
        from django.db import connection

        print(
            f"sync_sample: {connection.vendor}, documents of {args.document_size} bytes, "
            f"batches of {args.batch_size}, one worker (concurrency 1), DEBUG off"
        )
        results = {}
        for count in counts:
            result = run_once(
                count,
                document_size=args.document_size,
                batch_size=args.batch_size,
                log_dir=var_dir / "logs",
            )
            results[count] = result
            print(
                f"N={count:>9,}  {result['seconds']:8.1f} s  {result['rate']:9,.0f} documents/s  "
                f"worker peak RSS {result['peak_mib']:7.1f} MiB "
                f"(pool process {result['pool_mib']:.1f} MiB)"
            )
        if 10_000 in results and 1_000_000 in results:
            ratio = results[1_000_000]["peak_mib"] / results[10_000]["peak_mib"]
            verdict = "within" if ratio <= MEMORY_TARGET else "OVER"
            print(
                f"peak memory at 1M / at 10k = {ratio:.2f} ({verdict} the {MEMORY_TARGET}x target)"
            )
            return 0 if ratio <= MEMORY_TARGET else 1
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
