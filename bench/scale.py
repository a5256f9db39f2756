"""Lists at scale: every dialect's lists, searches, filters and pages at 1,000,000 clients
against the same at 10,000, on each backend, with every answer checked.

Two tenants share one database: a small one (``--small``, 10,000 clients) and a large one
(``--clients``, 1,000,000), loaded through the store's bulk write path (``Imports.bulk``, the
one ``clientgate import`` uses) with the same deterministic data (``bench/population.py``). A
gateway (uvicorn, one process, pinned to one core) serves each backend; every query is asked of
both tenants, ``--repeat`` times one after the other (after a warm-up), and the median of each
is reported with ``x``, the large tenant's time over the small one's.

Every answer is checked against the population's own model of it (which clients match, in which
order, how many in all): a fast wrong answer fails the run. The GitScrum list, the whole
workspace in one answer, is reported as rows a second and the server's peak memory growth.

    .venv/bin/python bench/scale.py [--backend sqlite,postgresql] [--clients 1000000]
                                    [--small 10000] [--repeat 20] [--keep] [--json]

``--answers-only`` (CI's benchmark smoke, at a small size) judges the answers and no time.
``--keep`` keeps the loaded databases (``~/.cache/clientgate-bench/``, and a PostgreSQL database
named for the sizes) and a later ``--keep`` run uses them again instead of loading. Targets:
every query within 3x of its small-tenant time and under 50 ms, the stream at 500,000 rows a
second or more with memory flat. Exit 1 if an answer is wrong or a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench.population import Population, uuid_of  # noqa: E402
from bench.run import BACKENDS, POSTGRES_URL, database, free_port, say, server  # noqa: E402
from core import migrate  # noqa: E402
from core.queries import ClientQuery  # noqa: E402
from core.scope import Scope  # noqa: E402
from core.store import Store  # noqa: E402

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "clientgate-bench"
#: Per query: the large tenant's median over the small one's, and the large one's, at most.
MAX_GROWTH = 3.0
MAX_MS = 50.0
#: The GitScrum whole-workspace list: rows a second at least, and the server's peak memory
#: while it streams the large tenant, over its peak after streaming the small one, at most.
MIN_STREAM_ROWS = 500_000
MAX_STREAM_GROWTH_MB = 64
#: Streams of the large workspace a run; the median counts (one stream's time swings by half).
STREAM_ROUNDS = 3


@dataclass
class Tenant:
    population: Population
    tenant_id: int
    key: str
    slug: str
    workspace_id: int
    categories: dict[str, int]


def load(url: str, population: Population, quiet: bool) -> Tenant:
    """``population``'s tenant in the database at ``url``: found (a kept database), or made
    and loaded through ``Imports.bulk``."""
    store = Store.from_url(url, pool_size=1)
    try:
        migrate.upgrade(store.engine)
        name = population.tenant_name
        found = [t for t in store.tenants.list() if t["name"] == name]
        if found:
            tenant = found[0]
        else:
            tenant = store.tenants.create(name, workspace_slug=population.slug)
            started = time.monotonic()
            workspace = store.workspaces.list(tenant["id"])[0]
            categories = {n: store.categories.create(tenant["id"], n)["id"]
                          for n in population.category_names}
            written = 0
            for chunk in population.records(workspace["id"], categories, batch=10_000):
                store.imports.bulk(tenant["id"], chunk, batch=1000)
                written += len(chunk)
                say(f"loading {name}: {written:>9,} / {population.size:,} "
                    f"({written / (time.monotonic() - started):,.0f} a second)", quiet)
            # What the gateway's upkeep does after a load on SQLite: the search entries.
            started = time.monotonic()
            if written := store.search_index.catch_up_all():
                say(f"search entries of {name}: {written:,} written in "
                    f"{time.monotonic() - started:.1f} s", quiet)
            if store.engine.dialect.name == "postgresql":
                # What autovacuum does after a load: statistics, and the visibility map that
                # lets an index answer alone.
                with store.engine.connect() as conn:
                    conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                        "VACUUM ANALYZE")
        workspace = store.workspaces.list(tenant["id"])[0]
        categories = {c["name"]: c["id"] for c in store.categories.list(tenant["id"])}
        count = store.clients.list(Scope(tenant["id"]), ClientQuery(limit=1)).total
        if count != population.size:
            raise SystemExit(f"{url}: {name} holds {count} clients, not {population.size}: "
                             f"remove it and run again")
        _, key = store.keys.create(tenant["id"])
        return Tenant(population, tenant["id"], key, workspace["slug"], workspace["id"],
                      categories)
    finally:
        store.dispose()


@contextmanager
def kept_database(backend: str, name: str, tmp: str, keep: bool) -> Iterator[str]:
    """A database for ``backend``: new and dropped after, or with ``keep`` one of a fixed
    ``name`` that outlives the run."""
    if not keep:
        with database(backend, tmp) as url:
            yield url
        return
    if backend == "sqlite":
        CACHE.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{CACHE / name}.db"
        return
    admin = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %(n)s",
                                    {"n": name}).first():
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    yield POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


# -- asking ----------------------------------------------------------------------------------

class Caller:
    """One kept-alive HTTP connection to a gateway."""

    def __init__(self, base: str) -> None:
        self.base = base
        parsed = urllib.parse.urlsplit(base)
        self._conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=120)

    def get(self, path: str, key: str) -> tuple[float, int, bytes]:
        try:
            return self._get(path, key)
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closed the kept-alive connection (idle past its keep-alive timeout
            # while this side checked a long answer): once more, on a new one.
            self._conn.close()
            return self._get(path, key)

    def _get(self, path: str, key: str) -> tuple[float, int, bytes]:
        started = time.perf_counter()
        self._conn.request("GET", path, headers={"Authorization": f"Bearer {key}",
                                                 "Accept": "application/json"})
        response = self._conn.getresponse()
        body = response.read()
        return time.perf_counter() - started, response.status, body

    def close(self) -> None:
        self._conn.close()


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak(pid: int) -> None:
    """Start the process's peak memory again from what it holds now (Linux ``clear_refs``)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (default: both)")
    parser.add_argument("--clients", type=int, default=1_000_000, help="the large tenant")
    parser.add_argument("--small", type=int, default=10_000, help="the small tenant")
    parser.add_argument("--repeat", type=int, default=20, help="requests a query, a tenant")
    parser.add_argument("--only", default="",
                        help="comma-separated query names (default: every query)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the loaded databases, and use kept ones")
    parser.add_argument("--answers-only", action="store_true",
                        help="judge every answer, and no time (CI, at a small size)")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args()
    backends = [b for b in args.backend.split(",") if b]
    if set(backends) - set(BACKENDS):
        parser.error("unknown backend")
    small, large = Population(args.small), Population(args.clients)
    only = {q for q in args.only.split(",") if q}

    results: dict[str, dict] = {}
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        for backend in backends:
            url = stack.enter_context(kept_database(
                backend, f"clientgate_scale_{args.small}_{args.clients}", tmp, args.keep))
            tenants = [load(url, p, args.json) for p in (small, large)]
            base = stack.enter_context(server(
                "gateway.app:app_from_env", free_port(),
                {"CLIENTGATE_DATABASE_URL": url, "CLIENTGATE_DRAIN_SECONDS": "0",
                 "CLIENTGATE_STATEMENT_TIMEOUT": "60"}, factory=True))
            caller = Caller(base)
            for query in small.queries():
                if only and query.name not in only:
                    continue
                times = []
                for tenant in tenants:
                    path = query.path(tenant)
                    for _ in range(3):
                        caller.get(path, tenant.key)
                    taken = []
                    for _ in range(args.repeat):
                        seconds, status, body = caller.get(path, tenant.key)
                        taken.append(seconds)
                    problem = query.check(tenant, status, body)
                    if problem:
                        failures.append(f"{backend} {query.name} ({tenant.population.size:,}): "
                                        f"{problem}")
                    times.append(statistics.median(taken) * 1000)
                name = f"{backend} {query.name}"
                growth = times[1] / times[0]
                results[name] = {"small_ms": round(times[0], 2), "large_ms": round(times[1], 2),
                                 "x": round(growth, 2)}
                if not args.answers_only and (growth > MAX_GROWTH or times[1] > MAX_MS):
                    failures.append(f"{name}: {times[1]:.1f} ms, x{growth:.1f}")
                say(f"{name:<44} {times[0]:8.2f} ms {times[1]:9.2f} ms  x{growth:6.2f}",
                    args.json)
            if not only or "gitscrum stream" in only:
                results[f"{backend} gitscrum stream"] = stream = measure_stream(
                    caller, base.pid, tenants)
                if stream["rows_per_second"] < MIN_STREAM_ROWS and not args.answers_only:
                    failures.append(f"{backend} gitscrum stream: "
                                    f"{stream['rows_per_second']:,} rows/s")
                if stream["memory_growth_mb"] > MAX_STREAM_GROWTH_MB and not args.answers_only:
                    failures.append(f"{backend} gitscrum stream: memory grew "
                                    f"{stream['memory_growth_mb']} MB")
                if stream["problem"]:
                    failures.append(f"{backend} gitscrum stream: {stream['problem']}")
                say(f"{backend} gitscrum stream: {stream['rows_per_second']:,} rows/s, "
                    f"memory +{stream['memory_growth_mb']} MB", args.json)
            caller.close()

    summary = {"clients": args.clients, "small": args.small, "repeat": args.repeat,
               "answers_only": args.answers_only,
               "targets": {"max_growth": MAX_GROWTH, "max_ms": MAX_MS,
                           "min_stream_rows_per_second": MIN_STREAM_ROWS,
                           "max_stream_memory_growth_mb": MAX_STREAM_GROWTH_MB},
               "results": results, "failures": failures, "ok": not failures}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        for failure in failures:
            print(f"FAILED {failure}", file=sys.stderr)
    return 0 if not failures else 1


def measure_stream(caller: Caller, pid: int, tenants: list[Tenant]) -> dict:
    """GitScrum's list of the whole workspace: the large tenant's, checked row by row, then
    ``STREAM_ROUNDS`` times read by curl (whose own cost is a few percent of the server's;
    ``http.client`` would take the core the database needs): its rows a second (the median
    round), and how much the server's peak memory grew over its peak for the small tenant."""
    small, large = tenants
    path = "/gitscrum/contact-companies/clients?company_slug={slug}"
    caller.get(path.format(slug=small.slug), small.key)
    reset_peak(pid)
    caller.get(path.format(slug=small.slug), small.key)
    after_small = peak_rss_mb(pid)
    reset_peak(pid)
    _, status, body = caller.get(path.format(slug=large.slug), large.key)
    problem, size = "", len(body)
    if status != 200:
        problem = f"status {status}"
    else:
        uuids = [row["uuid"] for row in orjson.loads(body)["data"]]
        if uuids != [uuid_of(i) for i in range(large.population.size)]:
            problem = f"{len(uuids)} rows, not the workspace's {large.population.size} in order"
    del body
    rounds = []
    for _ in range(STREAM_ROUNDS):
        seconds, status, read = curl(caller.base + path.format(slug=large.slug), large.key)
        rounds.append(seconds)
        if (status, read) != (200, size):
            problem = problem or f"curl read status {status}, {read:,} bytes, not {size:,}"
    after_large = peak_rss_mb(pid)
    seconds = statistics.median(rounds)
    return {"rows": large.population.size, "seconds": round(seconds, 2),
            "rows_per_second": round(large.population.size / seconds),
            "rounds_rows_per_second": [round(large.population.size / s) for s in rounds],
            "megabytes": round(size / 1e6, 1),
            "memory_growth_mb": round(after_large - after_small, 1), "problem": problem}


def curl(url: str, key: str) -> tuple[float, int, int]:
    """One GET by curl, its body thrown away: seconds, status and bytes read."""
    out = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{http_code} %{size_download}",
         "-H", f"Authorization: Bearer {key}", url],
        check=True, capture_output=True, text=True, timeout=300).stdout.split()
    return float(out[0]), int(out[1]), int(out[2])


if __name__ == "__main__":
    sys.exit(main())
