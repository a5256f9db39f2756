"""What watching the gateway costs: GET one with metrics and the access log on and off.

Four gateways on one SQLite file, started side by side and measured alternately with wrk
(as in ``run.py``): metrics off, metrics on (the default), and metrics on with the access log
on (written to /dev/null, at info level) in each log format. Reports each one's requests per second against the
one with metrics off, per round and as the median.

    python bench/observability.py [--seconds 4] [--rounds 5] [--json]

Exits 1 if metrics cost more than ``--budget`` (default 5%) of GET one's throughput, or any
request failed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from contextlib import ExitStack

from run import free_port, seed, server, wrk

VARIANTS = {
    "metrics off": {"CLIENTGATE_METRICS": "false"},
    "metrics on": {"CLIENTGATE_METRICS": "true"},
    "access log, text": {"CLIENTGATE_METRICS": "true", "CLIENTGATE_ACCESS_LOG": "true",
                         "CLIENTGATE_LOG_LEVEL": "info", "CLIENTGATE_LOG_FORMAT": "text"},
    "access log, json": {"CLIENTGATE_METRICS": "true", "CLIENTGATE_ACCESS_LOG": "true",
                         "CLIENTGATE_LOG_LEVEL": "info", "CLIENTGATE_LOG_FORMAT": "json"},
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--budget", type=float, default=0.05,
                        help="the largest share of throughput metrics may cost")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is required: apt-get install wrk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        url = f"sqlite:///{tmp}/bench.db"
        key, _, client_id = seed(url, 2000)
        path = f"/outlign/api/v1/clients/{client_id}"
        bases = {
            name: stack.enter_context(server(
                "gateway.app:app_from_env", free_port(),
                {"CLIENTGATE_DATABASE_URL": url, "CLIENTGATE_DRAIN_SECONDS": "0", **env},
                factory=True, quiet=True))
            for name, env in VARIANTS.items()}
        for base in bases.values():
            wrk(base + path, 1, args.connections, key)  # warm-up
        rounds = []
        for number in range(args.rounds):
            measured = {name: wrk(base + path, args.seconds, args.connections, key)
                        for name, base in bases.items()}
            rounds.append(measured)
            if not args.json:
                print(f"round {number + 1}: " + ", ".join(
                    f"{name} {r.rps:.0f}/s" for name, r in measured.items()), flush=True)
    ratios = {name: statistics.median(r[name].rps / r["metrics off"].rps for r in rounds)
              for name in VARIANTS if name != "metrics off"}
    errors = sum(r.errors for measured in rounds for r in measured.values())
    ok = errors == 0 and ratios["metrics on"] >= 1 - args.budget
    summary = {"rounds": [{n: round(r.rps) for n, r in m.items()} for m in rounds],
               "ratio_to_metrics_off": {n: round(v, 3) for n, v in ratios.items()},
               "errors": errors, "budget": args.budget, "ok": ok}
    if args.json:
        print(json.dumps(summary))
    else:
        for name, value in ratios.items():
            print(f"{name:<18} / metrics off = {value:.3f} (median of {len(rounds)} rounds)")
        print(f"errors: {errors}; metrics within {args.budget:.0%}: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
