"""Gateway throughput as a ratio of the floor, measured side by side in one run.

Starts the floor app (bench/floor.py) and the gateway (SQLite, ``--clients`` rows) on the same
uvicorn settings, drives each with wrk, and prints requests per second and gateway/floor ratios
for: GET one client, a list of 50, and a create (against the floor's GET one). Servers are pinned
to one core and wrk to the other when ``taskset`` exists, so the two never compete.

    python bench/run.py [--seconds 10] [--connections 32] [--clients 5000]

Exits 1 if a target is missed or any request failed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core import migrate
from core.incoming import Incoming
from core.store import Store

TARGETS = {"get": 0.5, "list": 0.15, "create": 0.08}


@dataclass
class Result:
    rps: float
    errors: int
    requests: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pinned(cpu: int) -> list[str]:
    return ["taskset", "-c", str(cpu)] if shutil.which("taskset") and os.cpu_count() > 1 else []


@contextmanager
def server(app: str, port: int, env: dict[str, str], factory: bool = False,
           quiet: bool = False) -> Iterator[str]:
    """``app`` on uvicorn; ``quiet``: what it logs goes to /dev/null (an access log under load)."""
    cmd = [*pinned(0), sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1",
           "--port", str(port), "--no-access-log", "--log-level", "warning"]
    if factory:
        cmd.append("--factory")
    # The gateway's own access line is a setting of its own; benchmarks set it explicitly.
    env = {"CLIENTGATE_ACCESS_LOG": "false", "CLIENTGATE_LOG_LEVEL": "warning", **env}
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env},
                            stderr=subprocess.DEVNULL if quiet else None)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz" if factory else
                                       f"{base}/outlign/api/v1/clients/1", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{app} did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def wrk(url: str, seconds: int, connections: int, key: str | None,
        script: Path | None = None, env: dict[str, str] | None = None) -> Result:
    cmd = [*pinned(1), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if key:
        cmd += ["-H", f"Authorization: Bearer {key}"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True,
                         env={**os.environ, **(env or {})}).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = 0
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(found.group(1))
    if found := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                          out):
        errors += sum(int(g) for g in found.groups())
    return Result(rps, errors, requests)


def seed(url: str, count: int) -> tuple[str, int, int]:
    """A tenant with ``count`` clients in one workspace; returns key, workspace id, a client id."""
    store = Store.from_url(url, pool_size=1)
    migrate.upgrade(store.engine)
    tenant = store.tenants.create("bench", workspace_slug="bench")
    workspace = store.workspaces.list(tenant["id"])[0]
    category = store.categories.list(tenant["id"])[0]
    _, key = store.keys.create(tenant["id"])
    stamp = datetime.now(UTC)
    store.imports.bulk(tenant["id"], (
        Incoming({"workspace_id": workspace["id"], "category_id": category["id"],
                  "name": f"Client {i:05d}", "created_at": stamp, "updated_at": stamp},
                 uuid=f"00000000-0000-4000-8000-{i:012d}")
        for i in range(count)))
    store.dispose()
    return key, workspace["id"], count // 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3,
                        help="floor and gateway are measured alternately this many times; "
                             "the median ratio is reported")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--clients", type=int, default=5000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is required: apt-get install wrk", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        key, workspace_id, client_id = seed(url, args.clients)
        one = f"/outlign/api/v1/clients/{client_id}"
        fifty = f"/outlign/api/v1/clients?per_page=50&company_id={workspace_id}"
        run = {"seconds": args.seconds, "connections": args.connections}
        post = {"script": ROOT / "bench" / "post.lua",
                "env": {"BENCH_COMPANY_ID": str(workspace_id)}}
        rounds: list[dict[str, Result]] = []
        db_file = url.removeprefix("sqlite:///")
        with server("bench.floor:app", free_port(), {"BENCH_DATABASE": db_file}) as floor, \
                server("gateway.app:app_from_env", free_port(),
                       {"CLIENTGATE_DATABASE_URL": url, "CLIENTGATE_DRAIN_SECONDS": "0"},
                       factory=True) as gateway:
            wrk(floor + one, 1, args.connections, None)  # warm-up
            wrk(gateway + one, 1, args.connections, key)
            # Alternating keeps a slow spell of the machine from landing on one side only.
            for _ in range(args.rounds):
                rounds.append({
                    "floor get": wrk(floor + one, key=None, **run),
                    "gateway get": wrk(gateway + one, key=key, **run),
                    "floor+sqlite get": wrk(floor + "/sqlite" + one, key=None, **run),
                    "floor list": wrk(floor + fifty, key=None, **run),
                    "gateway list": wrk(gateway + fifty, key=key, **run),
                    "gateway create": wrk(gateway + "/outlign/api/v1/clients", key=key,
                                          **post, **run),
                })

    def ratio(r: dict[str, Result], name: str) -> float:
        base = r["floor list"] if name == "list" else r["floor get"]
        return r[f"gateway {name}"].rps / base.rps

    ratios = {name: statistics.median(ratio(r, name) for r in rounds) for name in TARGETS}
    print(f"{'scenario':<16}" + "".join(f"{'round ' + str(i + 1):>12}" for i in range(len(rounds)))
          + f"{'errors':>8}")
    for name in rounds[0]:
        print(f"{name:<16}" + "".join(f"{r[name].rps:>12.0f}" for r in rounds)
              + f"{sum(r[name].errors for r in rounds):>8}")
    print("(requests per second)\n")
    ok = all(r.errors == 0 for rs in rounds for r in rs.values())
    # Not a target: how far the gateway is from a server that only reads the row from SQLite.
    sqlite_share = statistics.median(
        r["gateway get"].rps / r["floor+sqlite get"].rps for r in rounds)
    for name, value in ratios.items():
        verdict = "ok" if value >= TARGETS[name] else "MISSED"
        ok &= value >= TARGETS[name]
        base = "floor list" if name == "list" else "floor get"
        print(f"{name:<8} gateway/{base:<11} = {value:.3f} (median; target >= {TARGETS[name]})"
              f"  {verdict}")
    print(f"(get      gateway/floor+sqlite get = {sqlite_share:.3f}: the same GET against a"
          " floor that reads the row with one raw sqlite3 query)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
