"""Requests per second and p50/p99 latency of the API's list and read endpoints under gunicorn
with concurrent clients (wrk), next to two yardsticks served by the same server in the same run:
a bare DRF view ("hello") and an authenticated one ("hello+key": the same API-key
authentication, workspace resolution and permission check as the API families, and one row read
from the database). Prints each endpoint's throughput as a fraction of both.

Every endpoint is measured in two phases: on the freshly seeded database, before PostgreSQL has
any statistics about it (autovacuum is off), and again after ANALYZE, so that no figure depends
on the planner having guessed well. Each phase goes over every endpoint in rounds, each
endpoint right after a run of hello+key; an endpoint's figure is its median round by the ratio
to its paired hello+key run, so a drift of the machine's speed meets the endpoint and its
yardstick alike (hello+key's own row: its median run).

    python bench/api_load.py                 # 3 rounds of 4 s per endpoint, 32 connections
    python bench/api_load.py --smoke         # 1 round of 2 s per endpoint, small data (CI)
    python bench/api_load.py --duration 20 --connections 64 --workers 3 --threads 4
    python bench/api_load.py --profile       # in process, no server: cProfile of each endpoint
    python bench/api_load.py --soak          # every endpoint at once, 50 connections, 60 s,
                                             # while a worker syncs a large connector

Runs the production shape: a throw-away PostgreSQL (tests/servers/postgres.py), gunicorn from
config/gunicorn.py (gthread workers, persistent database connections, access log off, each
worker holding at most its share of the connections), an API key in the X-API-Key header. The
data: CONNECTORS sample-data connectors in one collection, each with DOCUMENTS documents and a
finished sync. wrk comes from Debian (installed when missing).

Goals (issue 17): every list >= 0.5x and every get >= 0.7x of hello+key, in both phases.
"""

import argparse
import io
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
        check=True,
        env=env,
        capture_output=True,
    )
    return shutil.which("wrk")


def seed(connectors: int, documents: int) -> dict:
    """Migrate and fill the database; return the key and the ids the paths need."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from connectors import services
    from connectors.lifecycle import State
    from connectors.models import Connector
    from syncs.models import Document, Sync, SyncStatus, SyncTrigger
    from tenancy import services as tenancy_services

    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=io.StringIO())
    from registry.selectors import definition_for_type

    definition = definition_for_type("sample-data")
    user = get_user_model().objects.create_user(username="bench")
    workspace = tenancy_services.workspace_create(actor=user, name="Bench", slug="bench")
    _, key = tenancy_services.api_key_create(actor=user, workspace=workspace, name="bench")
    space = tenancy_services.space_create(actor=user, workspace=workspace, name="Space")
    collection = tenancy_services.collection_create(actor=user, space=space, name="Collection")
    now = timezone.now()
    created = []
    for n in range(connectors):
        connector = services.connector_create(
            actor=user,
            workspace=workspace,
            definition=definition,
            name=f"sample-{n:04d}",
            config={"document_count": documents},
            collections=[collection],
        )
        created.append(connector)
        Document.objects.bulk_create(
            Document(
                connector=connector,
                external_id=f"doc-{i}",
                title=f"Document {i}",
                content=f"Sample document {i}. " * 20,
                content_hash=f"{i:064x}",
                size=400,
            )
            for i in range(documents)
        )
        Sync.objects.create(
            connector=connector,
            trigger=SyncTrigger.API,
            status=SyncStatus.SUCCEEDED,
            documents_seen=documents,
            documents_created=documents,
            started_at=now,
            finished_at=now,
        )
    Connector.objects.update(state=State.RUNNING)
    first = created[0]
    return {
        "key": key,
        "workspace": workspace.slug,
        "space": str(space.pk),
        "collection": str(collection.pk),
        "connector": str(first.pk),
        "connector_name": first.name,
        "document": str(Document.objects.filter(connector=first).values_list("pk", flat=True)[0]),
    }


HELLO, HELLO_KEY = "hello (bare DRF view)", "hello+key (auth, 1 row)"
#: The least share of hello+key's throughput each kind of endpoint must reach.
GOALS = {"list": 0.5, "get": 0.7}


def endpoints(ids: dict) -> list[tuple[str, str]]:
    nested = f"/v1/spaces/{ids['space']}/collections/{ids['collection']}"
    return [
        (HELLO, "/bench/hello"),
        (HELLO_KEY, "/bench/hello-key"),
        ("004 list connectors", f"/v1/connector/list_connectors/{ids['workspace']}?limit=50"),
        ("004 get connector", f"/v1/connector/get_connector/{ids['workspace']}/{ids['connector']}"),
        ("003 list connectors", f"{nested}/connectors?limit=50"),
        ("003 get connector", f"{nested}/connectors/{ids['connector']}"),
        ("003 list syncs", f"{nested}/connectors/{ids['connector']}/sync?limit=20"),
        ("003 list documents", f"{nested}/documents?limit=50"),
        ("003 get document", f"{nested}/documents/{ids['document']}"),
        ("001 list connectors", "/connectors"),
        ("001 get connector", f"/connectors/{ids['connector_name']}"),
        ("000 list live sources", "/layar/liveSource?rows=50"),
        ("000 get live source", f"/layar/liveSource/{ids['connector']}"),
        ("000 job status", f"/layar/liveSource/{ids['connector']}/jobStatus"),
        ("000 list source documents", f"/layar/liveSource/{ids['connector']}/sourceDocuments"),
    ]


def goal_of(name: str) -> float | None:
    kind = name.split()[1] if name[:3].isdigit() else None
    return GOALS["list" if kind == "list" else "get"] if kind else None


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(roots: list[int]) -> float:
    """CPU time (user + system) spent so far by these processes and every live descendant
    (gunicorn's workers, PostgreSQL's backends), read from /proc; the roots' reaped children
    included."""
    parents, times = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(fields[1])
        utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
        times[pid] = (utime + stime, cutime + cstime)
    total = 0
    for pid, (own, reaped) in times.items():
        ancestor = pid
        while ancestor not in roots and ancestor > 1:
            ancestor = parents.get(ancestor, 1)
        if ancestor in roots:
            total += own + (reaped if pid in roots else 0)
    return total / CLOCK_TICKS


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def run_wrk(
    wrk: str,
    url: str,
    key: str,
    *,
    seconds: int,
    connections: int,
    script: Path | None = None,
    serving: list[int] = (),
) -> dict:
    """One wrk run; ``serving``: the root processes (server, database) whose CPU time per
    request is measured too."""
    cpu_before = cpu_seconds(serving)
    result = subprocess.run(
        [
            wrk,
            *(["-s", str(script)] if script else []),
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            f"X-API-Key: {key}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = cpu_seconds(serving) - cpu_before
    out = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    if errors and not any(int(n) for n in re.findall(r"\d+", errors.group(0))):
        errors = None
    return {
        "rps": rps,
        "cpu_ms": cpu * 1000 / requests if serving and requests else float("nan"),
        "p50": p50,
        "p99": p99,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
    }


def measure(wrk: str, server, ids: dict, args, serving: list[int]) -> list[tuple[str, dict]]:
    """Every endpoint, round after round (``--rounds``), each right after a run of hello+key:
    an endpoint's share is its throughput over that paired run's, so that a drift of the
    machine's speed during the run (other processes, the CPU's clock) meets both alike. Per
    endpoint: the median round by its share; and the median of its CPU share (hello+key's CPU
    time per request, server and database, over its own), which waiting does not blur."""
    paths = endpoints(ids)
    for _name, path in paths:
        run_wrk(wrk, server.url + path, ids["key"], seconds=1, connections=4)  # warm up

    def run(path: str) -> dict:
        return run_wrk(
            wrk,
            server.url + path,
            ids["key"],
            seconds=args.duration,
            connections=args.connections,
            serving=serving,
        )

    keyed_path = dict(paths)[HELLO_KEY]
    rounds = []
    for _ in range(args.rounds):
        measured, yardsticks = {}, []
        for name, path in paths:
            if name == HELLO_KEY:
                continue
            keyed = run(keyed_path)
            yardsticks.append(keyed)
            measured[name] = run(path)
            measured[name]["share"] = measured[name]["rps"] / keyed["rps"]
            measured[name]["cpu_share"] = keyed["cpu_ms"] / measured[name]["cpu_ms"]
        yardsticks.sort(key=lambda m: m["rps"])
        measured[HELLO_KEY] = dict(yardsticks[len(yardsticks) // 2], share=1.0, cpu_share=1.0)
        measured[HELLO_KEY]["non_2xx"] = sum(m["non_2xx"] for m in yardsticks)
        rounds.append(measured)
    results = []
    for name, _path in paths:
        ordered = sorted((r[name] for r in rounds), key=lambda m: m["share"])
        median = dict(ordered[len(ordered) // 2])
        median["non_2xx"] = sum(m["non_2xx"] for m in ordered)
        median["socket_errors"] = "; ".join(
            m["socket_errors"] for m in ordered if m["socket_errors"]
        )
        median["shares"] = [m["share"] for m in ordered]
        cpu_shares = sorted(m["cpu_share"] for m in ordered)
        median["cpu_share"] = cpu_shares[len(cpu_shares) // 2]
        median["cpu_ms"] = sorted(m["cpu_ms"] for m in ordered)[len(ordered) // 2]
        results.append((name, median))
    return results


def report(title: str, results: list[tuple[str, dict]]) -> list[str]:
    """Print one phase's table; return the endpoints that missed their goal or failed."""
    hello = dict(results)[HELLO]
    print(f"\n{title}")
    print(
        f"{'endpoint':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'vs hello':>9} {'vs +key':>8} {'goal':>8} {'cpu ms':>7} {'by cpu':>7} {'goal':>8}"
        "  rounds vs +key"
    )
    missed = []

    def verdict(goal, share, what) -> str:
        if goal is None:
            return ""
        if share < goal:
            missed.append(f"{title}: {name} {share:.2f}x < {goal}x ({what})")
        return f">={goal}" + (" ok" if share >= goal else " MISS")

    for name, m in results:
        goal = goal_of(name)
        by_rate = verdict(goal, m["share"], "req/s")
        by_cpu = verdict(goal, m["cpu_share"], "CPU per request")
        if m["non_2xx"] or m["socket_errors"]:
            missed.append(f"{title}: {name}: FAILED {m['non_2xx']} non-2xx {m['socket_errors']}")
        rounds = " ".join(f"{s:.2f}" for s in m["shares"])
        print(
            f"{name:<26} {m['rps']:>9.1f} {m['p50']:>8.2f} {m['p99']:>8.2f} "
            f"{m['rps'] / hello['rps']:>8.2f}x "
            f"{m['share']:>7.2f}x {by_rate:>8} {m['cpu_ms']:>7.2f} {m['cpu_share']:>6.2f}x "
            f"{by_cpu:>8}  {rounds}"
        )
    return missed


def profile(ids: dict, *, repeat: int = 50, top: int = 20) -> None:
    """Each endpoint through Django's test client in this process, under cProfile."""
    import cProfile
    import pstats
    import time

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_API_KEY=ids["key"])
    for name, path in endpoints(ids):
        assert client.get(path).status_code == 200, (name, path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        print(f"\n== {name}: {len(queries)} queries")
        for query in queries:
            print(f"   {float(query['time']) * 1000:7.2f} ms  {query['sql'][:150]}")
            if float(query["time"]) >= 0.005:  # a slow one: how PostgreSQL ran it
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN ANALYZE {query['sql']}")
                    print("\n".join(f"       {line}" for (line,) in cursor.fetchall()))
        started = time.perf_counter()
        for _ in range(repeat):
            client.get(path)
        per_call = (time.perf_counter() - started) / repeat * 1000
        print(f"\n== {name}: {per_call:.2f} ms per request in process ({path})")
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            client.get(path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(top)
        # Where the project's own code spends it (the framework's wrappers left out).
        stats.sort_stats("cumulative").print_stats(r"/(connectors|syncs|ops)/", top)


SOAK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[(counter %% #paths) + 1])
end
"""


def soak(wrk: str, server, ids: dict, args, work: Path) -> bool:
    """Every list and read endpoint in turn from ``args.connections`` connections for
    ``args.duration`` seconds while a real worker syncs a large sample-data connector into the
    same database. Returns whether every request succeeded."""
    from django.contrib.auth import get_user_model

    from connectors import services
    from connectors.tasks import check_connector
    from registry.selectors import definition_for_type
    from syncs import services as sync_services
    from syncs.models import Document, SyncTrigger
    from tenancy.models import Workspace
    from tests.servers.celery_worker import purge_broker, service_env, start_worker

    purge_broker()
    worker = start_worker(service_env(CONNECTOR_HUB_LOG_LEVEL="INFO"), work / "worker")
    try:
        user = get_user_model().objects.get(username="bench")
        connector = services.connector_create(
            actor=user,
            workspace=Workspace.objects.get(slug=ids["workspace"]),
            definition=definition_for_type("sample-data"),
            name="large",
            config={"document_count": 5_000_000, "operations_config": {"batch_size": 500}},
        )
        check_connector(str(connector.pk), str(connector.check_token))
        sync = sync_services.sync_trigger(
            actor=user, connector=connector, trigger=SyncTrigger.MANUAL
        )
        while True:  # the sync is storing batches before the clients start
            sync.refresh_from_db()
            if sync.progress_done:
                break
            if sync.status not in ("queued", "running"):
                raise RuntimeError(f"the sync {sync.status}: {sync.error_message}")
            time.sleep(0.5)
        stored_before = Document.objects.filter(connector=connector).count()
        paths = [path for name, path in endpoints(ids) if name[:3].isdigit()]
        script = work / "soak.lua"
        script.write_text(SOAK_SCRIPT % ", ".join(f'"{path}"' for path in paths))
        measured = run_wrk(
            wrk,
            server.url,
            ids["key"],
            seconds=args.duration,
            connections=args.connections,
            script=script,
        )
        stored = Document.objects.filter(connector=connector).count() - stored_before
        sync.refresh_from_db()
    finally:
        worker.stop()
    print(
        f"\nsoak: {len(paths)} endpoints in turn, {args.connections} connections, "
        f"{args.duration} s, while a worker synced a sample-data connector "
        f"({stored:,} documents stored meanwhile, the sync {sync.status})"
    )
    print(f"{'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'socket errors':>14}")
    print(
        f"{measured['rps']:>9.1f} {measured['p50']:>8.2f} {measured['p99']:>8.2f} "
        f"{measured['non_2xx']:>8} {measured['socket_errors'] or 'none':>14}"
    )
    return not (measured["non_2xx"] or measured["socket_errors"])


def postmaster_pid(database) -> int:
    return int((database.directory / "data" / "postmaster.pid").read_text().split()[0])


def analyze(database) -> None:
    database.psql("ANALYZE", database="hub")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="2 s per endpoint, small data")
    parser.add_argument("--duration", type=int, default=4, help="seconds per endpoint and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every endpoint")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--connectors", type=int, default=200)
    parser.add_argument("--documents", type=int, default=100, help="documents per connector")
    parser.add_argument(
        "--profile", action="store_true", help="profile each endpoint in process (no server)"
    )
    parser.add_argument(
        "--analyzed", action="store_true", help="with --profile: ANALYZE the seed first"
    )
    parser.add_argument(
        "--soak",
        action="store_true",
        help="only the mixed run during a sync (default 60 s, 50 connections)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.duration, args.rounds, args.connectors, args.documents = 2, 1, 20, 20
    if args.soak and "--duration" not in sys.argv:
        args.duration = 60
    if args.soak and "--connections" not in sys.argv:
        args.connections = 50

    wrk = None if args.profile else ensure_wrk()
    logging.getLogger("kombu").setLevel(logging.ERROR)
    from tests.servers import gunicorn, postgres

    work = Path(tempfile.mkdtemp(prefix="api-load."))
    # No autovacuum: the first phase runs without statistics, the second after ANALYZE.
    database = postgres.start(options=("autovacuum=off",))
    server = None
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "CONNECTOR_HUB_VAR_DIR": str(work / "var"),
            "DATABASE_URL": database.url,
            "DEBUG": "false",
            "CONNECTOR_HUB_BENCH_HELLO": "true",
            "CONNECTOR_HUB_DB_CONN_MAX_AGE": "60",
            "CONNECTOR_HUB_LOG_FORMAT": "json",
            "CONNECTOR_HUB_LOG_LEVEL": "WARNING",
            "GUNICORN_ACCESS_LOG": "off",
            # No recycling of workers: at these rates each would be replaced every few seconds,
            # and its restart (Django's start-up) would land on whichever endpoint runs then.
            "GUNICORN_MAX_REQUESTS": "0",
            # Each worker holds its share of wrk's keep-alive connections: uncapped, a gthread
            # worker accepts all it is offered, and in about one run in four one worker held
            # them all (one core working, the other idle), which halved that run's figure.
            "GUNICORN_WORKER_CONNECTIONS": str(-(-args.connections // args.workers)),
            # Throughput, not the rate limits, is measured: a limit would answer 429s.
            "CONNECTOR_HUB_THROTTLE_ENABLED": "false",
        }
        os.environ.update({k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"})
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        ids = seed(args.connectors, args.documents)
        if args.profile:
            if args.analyzed:
                analyze(database)
            os.environ["ALLOWED_HOSTS"] = "testserver"
            from django.conf import settings

            settings.ALLOWED_HOSTS = ["testserver"]
            profile(ids)
            return
        server = gunicorn.start(env, work, workers=args.workers, threads=args.threads)
        print(
            f"gunicorn {args.workers} workers x {args.threads} threads, PostgreSQL, "
            f"{args.connectors} connectors x {args.documents} documents; wrk 2 threads, "
            f"{args.connections} connections, {args.rounds} rounds of {args.duration} s per endpoint, "
            "each after a paired hello+key run; "
            f"{os.cpu_count()} cores shared by server, database and load generator "
            f"(load average before: {os.getloadavg()[0]:.1f})"
        )
        if args.soak:
            analyze(database)
            if not soak(wrk, server, ids, args, work):
                sys.exit(1)
            return
        serving = [server.process.pid, postmaster_pid(database)]
        missed = report("before ANALYZE (no statistics)", measure(wrk, server, ids, args, serving))
        analyze(database)
        missed += report("after ANALYZE", measure(wrk, server, ids, args, serving))
        print(f"\nload average after: {os.getloadavg()[0]:.1f}")
        for line in missed:
            print(f"!! {line}")
        # Errors fail the run; a missed ratio is printed (the figures need a quiet machine).
        if any("FAILED" in line for line in missed):
            sys.exit(1)
    finally:
        if server is not None:
            server.stop()
        database.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
