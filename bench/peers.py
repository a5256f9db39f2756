"""clientgate against its peers, measured side by side in one run: Prism (``prism mock`` on
Outlign's OpenAPI file, quiet) and json-server 1.0, both from npm, and clientgate on each backend
asked for, all serving Outlign-shaped clients, under the same wrk settings in alternating rounds.

    python bench/peers.py [--backend sqlite,postgresql] [--seconds 5] [--rounds 3]
                          [--clients 5000] [--connections 32] [--json]

Installing the peers is this script's job: they go to ``--peers-dir`` (default
``~/.cache/clientgate-bench/peers``) with npm on first use. Servers are pinned to one core and
wrk to the other. Measured: GET one client and a list of 50. Targets: on SQLite, clientgate
>= 3x Prism and >= 1.5x json-server on both; on PostgreSQL, ahead of both. Exits 1 if one is
missed or any request failed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import BACKENDS, database, free_port, pinned, say, seed, server, wrk  # noqa: E402

PEERS = {"json-server": "json-server@1.0.0-beta.15", "prism": "@stoplight/prism-cli@5.16.0"}
#: clientgate's rate over each peer's, at least, on each backend.
TARGETS = {"sqlite": {"prism": 3.0, "json-server": 1.5},
           "postgresql": {"prism": 1.0, "json-server": 1.0}}


def install(where: Path, quiet: bool) -> Path:
    """The peers' ``node_modules/.bin``, installed with npm unless already there."""
    bin_dir = where / "node_modules" / ".bin"
    if all((bin_dir / name).exists() for name in PEERS):
        return bin_dir
    if not shutil.which("npm"):
        raise SystemExit("npm is required to install the peers (Debian: apt-get install npm)")
    where.mkdir(parents=True, exist_ok=True)
    say(f"installing {', '.join(PEERS.values())} into {where}", quiet)
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix",
                    str(where), *PEERS.values()], check=True, stdout=subprocess.DEVNULL)
    return bin_dir


@contextmanager
def node(cmd: list[str], probe: str, headers: dict[str, str] | None = None) -> Iterator[None]:
    """A peer's process on core 0, up once ``probe`` answers 2xx."""
    proc = subprocess.Popen([*pinned(0), *cmd], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(urllib.request.Request(probe, headers=headers or {}),
                                       timeout=1)
                break
            except (OSError, urllib.error.HTTPError):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{cmd[0]} did not start") from None
                time.sleep(0.2)
        yield
    finally:
        proc.terminate()
        proc.wait(10)


def json_server_data(path: Path, count: int) -> None:
    """The same clients as the gateway's, as Outlign shows them, in json-server's file."""
    stamp = "2026-01-01T12:00:00Z"
    clients = [{"id": str(i + 1), "title": f"Client {i:05d}", "company_id": 1,
                "created_at": stamp, "updated_at": stamp} for i in range(count)]
    path.write_text(json.dumps({"clients": clients}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--peers-dir", type=Path,
                        default=Path.home() / ".cache" / "clientgate-bench" / "peers")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args()
    backends = [b for b in args.backend.split(",") if b]
    if set(backends) - set(BACKENDS):
        parser.error("unknown backend")
    if not shutil.which("wrk"):
        print("wrk is required: apt-get install wrk", file=sys.stderr)
        return 2
    bin_dir = install(args.peers_dir, args.json)
    run = {"seconds": args.seconds, "connections": args.connections}

    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        worlds = {b: seed(stack.enter_context(database(b, tmp)), args.clients) for b in backends}
        plan: dict[str, tuple[str, str | None]] = {}
        for b, w in worlds.items():
            gw = stack.enter_context(server(
                "gateway.app:app_from_env", free_port(),
                {"CLIENTGATE_DATABASE_URL": w.url, "CLIENTGATE_DRAIN_SECONDS": "0"},
                factory=True))
            plan[f"clientgate {b} get"] = (gw + w.get("outlign"), w.key)
            plan[f"clientgate {b} list"] = (gw + w.list("outlign"), w.key)
        data = Path(tmp) / "db.json"
        json_server_data(data, args.clients)
        port = free_port()
        stack.enter_context(node([str(bin_dir / "json-server"), "--port", str(port),
                                  str(data)], f"http://127.0.0.1:{port}/clients/1"))
        middle = args.clients // 2
        plan["json-server get"] = (f"http://127.0.0.1:{port}/clients/{middle}", None)
        plan["json-server list"] = (f"http://127.0.0.1:{port}/clients?_page=1&_per_page=50",
                                    None)
        port = free_port()
        auth = {"Authorization": "Bearer mock"}
        stack.enter_context(node([str(bin_dir / "prism"), "mock", "-h", "127.0.0.1", "-p",
                                  str(port), "-v", "silent", str(ROOT / "openapi/outlign.yaml")],
                                 f"http://127.0.0.1:{port}/api/v1/clients/123", auth))
        plan["prism get"] = (f"http://127.0.0.1:{port}/api/v1/clients/123", "mock")
        plan["prism list"] = (f"http://127.0.0.1:{port}/api/v1/clients?per_page=50&company_id=1",
                              "mock")

        for url, key in plan.values():  # warm-up, and every URL answers before timing
            wrk(url, 1, args.connections, key)
        rounds = []
        for i in range(args.rounds):
            measured = {}
            for name, (url, key) in plan.items():
                measured[name] = wrk(url, key=key, **run)
                say(f"round {i + 1}/{args.rounds}  {name:<26} {measured[name].rps:>9.0f} req/s",
                    args.json)
            rounds.append(measured)

    verdicts = []
    for b in backends:
        for what in ("get", "list"):
            for peer, target in TARGETS[b].items():
                value = statistics.median(r[f"clientgate {b} {what}"].rps
                                          / r[f"{peer} {what}"].rps for r in rounds)
                verdicts.append({"measure": f"clientgate {b} {what} / {peer} {what}",
                                 "value": round(value, 2), "target": target,
                                 "met": value >= target})
    errors = {name: sum(r[name].errors for r in rounds) for name in plan}
    ok = all(v["met"] for v in verdicts) and not any(errors.values())
    if args.json:
        print(json.dumps({"ok": ok, "checks": verdicts, "errors": errors,
                          "rps": {name: round(statistics.median(r[name].rps for r in rounds))
                                  for name in plan}}, indent=2))
        return 0 if ok else 1
    for name in plan:
        print(f"{name:<26}" + "".join(f"{r[name].rps:>10.0f}" for r in rounds)
              + f"{errors[name]:>8}")
    print("(requests per second, by round; errors)\n")
    for v in verdicts:
        print(f"{v['measure']:<48} = {v['value']:.2f}  (median; target >= {v['target']})"
              f"  {'ok' if v['met'] else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
