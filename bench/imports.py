"""Import speed: from an export file, and from a live clientgate playing the vendor.

From a file: a tenant of ``--clients`` clients (tags, an owner for a third of them, metadata) is
exported to JSON Lines and imported into a new database; the figure is clients written a second,
against a target of 2,000 a second on SQLite. From a live source: the same clients served by a
gateway (uvicorn, in a process of its own) are imported through Full Engage (100 a page); the
reference, taken in the same run, is the time it takes only to read every page from that source
with the import's own reader. The ratio import / read-only says whether the import is bound by
the source's pages (close to 1) or by its own writes.

    .venv/bin/python bench/imports.py [--clients 20000] [--backend sqlite,postgresql] [--json]

Progress goes to stderr on a terminal; ``--json`` prints one JSON summary. Exit 1 when the file
import misses its target on SQLite.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from core import migrate  # noqa: E402
from core.store import Store  # noqa: E402
from dialects.registry import DIALECTS  # noqa: E402
from gateway.cli import main as cli  # noqa: E402
from gateway.migration.source import Source  # noqa: E402
from tests.faults.vendor import FaultyVendor  # noqa: E402
from tests.migration.conftest import fill  # noqa: E402

#: A remote vendor's round trip per page, for the second live measurement.
REMOTE_LATENCY = 0.1

TARGET_FILE_RATE = 2000
POSTGRES = os.environ.get("CLIENTGATE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1/test")


@contextlib.contextmanager
def database(backend: str, directory: Path, name: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{directory / name}.db"
        return
    admin = sa.create_engine(POSTGRES.replace("postgresql://", "postgresql+psycopg://"),
                             isolation_level="AUTOCOMMIT")
    db = f"bench_imports_{name}_{os.getpid()}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{db}"')
    try:
        yield POSTGRES.rsplit("/", 1)[0] + f"/{db}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        admin.dispose()


def quietly(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = cli(list(argv))
    return code, out.getvalue()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def say(text: str) -> None:
    if sys.stderr.isatty():
        print(text, file=sys.stderr, flush=True)


def measure(backend: str, clients: int, work: Path) -> dict:
    with database(backend, work, "source") as source_url, \
            database(backend, work, "target") as target_url, \
            database(backend, work, "live") as live_url:
        say(f"[{backend}] filling a source tenant with {clients:,} clients")
        store = Store.from_url(source_url, pool_size=1)
        migrate.upgrade(store.engine)
        tenant = fill(store, "bench", clients)
        store.dispose()
        for url in (target_url, live_url):
            code, _ = quietly("--database-url", url, "init", "--tenant", "moved", "--json")
            assert code == 0
        export = work / f"{backend}.jsonl"
        quietly("--database-url", source_url, "export", "--tenant", "bench", "--output",
                str(export))

        say(f"[{backend}] importing the export file")
        started = time.perf_counter()
        code, out = quietly("--database-url", target_url, "import", "--tenant", "moved",
                            "--file", str(export), "--json")
        file_seconds = time.perf_counter() - started
        summary = json.loads(out)
        assert code == 0 and summary["created"] > 0, out

        port = free_port()
        env = {**os.environ, "CLIENTGATE_DATABASE_URL": source_url}
        server = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve", "--no-migrate", "--port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}/fullengage"
            _wait(port)
            say(f"[{backend}] reading every page of the live source")
            source = Source(DIALECTS["fullengage"], base, tenant.key)
            started = time.perf_counter()
            pages = sum(1 for _ in source.pages())
            read_seconds = time.perf_counter() - started
            source.close()
            say(f"[{backend}] importing from the live source")
            started = time.perf_counter()
            code, out = quietly("--database-url", live_url, "import", "--tenant", "moved",
                                "--dialect", "fullengage", "--from", base, "--token",
                                tenant.key, "--state", str(work / f"state-{backend}"), "--json")
            live_seconds = time.perf_counter() - started
            live = json.loads(out)
            assert code == 0, out
            say(f"[{backend}] again, {REMOTE_LATENCY * 1000:.0f} ms a page (a remote vendor)")
            with FaultyVendor(base, delay=REMOTE_LATENCY) as remote:
                remote_read, remote_import = _remote(remote.url, tenant.key, work, backend,
                                                     live_url)
        finally:
            server.terminate()
            server.wait(10)
        return {
            "backend": backend, "clients": summary["created"],
            "file_import_per_second": round(summary["created"] / file_seconds),
            "live_import_seconds": round(live_seconds, 2),
            "live_read_only_seconds": round(read_seconds, 2), "pages": pages,
            "live_import_per_second": round(live["created"] / live_seconds),
            "import_over_read_only": round(live_seconds / read_seconds, 2),
            "remote_import_over_read_only": round(remote_import / remote_read, 2),
        }


def _remote(url: str, key: str, work: Path, backend: str, target: str) -> tuple[float, float]:
    """Read-only and import times through a source slowed to a remote vendor's latency (the
    import into a new tenant of ``target``, so everything is created again)."""
    source = Source(DIALECTS["fullengage"], url, key)
    started = time.perf_counter()
    sum(1 for _ in source.pages())
    read = time.perf_counter() - started
    source.close()
    tenant = f"remote-{backend}"
    quietly("--database-url", target, "tenants", "create", tenant, "--json")
    started = time.perf_counter()
    code, out = quietly("--database-url", target, "import", "--tenant", tenant, "--dialect",
                        "fullengage", "--from", url, "--token", key, "--state",
                        str(work / f"state-remote-{backend}"), "--json")
    assert code == 0, out
    return read, time.perf_counter() - started


def _wait(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError("the source gateway did not start")


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--backend", default="sqlite,postgresql")
    parser.add_argument("--json", action="store_true", help="print one JSON summary")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="clientgate-bench-imports-"))
    try:
        results = [measure(b, args.clients, work) for b in args.backend.split(",")]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ok = all(r["file_import_per_second"] >= TARGET_FILE_RATE
             for r in results if r["backend"] == "sqlite")
    if args.json:
        print(json.dumps({"results": results, "target_file_per_second_sqlite": TARGET_FILE_RATE,
                          "ok": ok}))
    else:
        for r in results:
            print(f"{r['backend']}: file import {r['file_import_per_second']:,}/s; live import "
                  f"{r['live_import_per_second']:,}/s, {r['import_over_read_only']}x the time to "
                  f"only read its {r['pages']} pages ({r['live_read_only_seconds']} s); at "
                  f"{REMOTE_LATENCY * 1000:.0f} ms a page "
                  f"{r['remote_import_over_read_only']}x")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run())
