"""``mailer``: deliver the emails the store queued (``gateway.mailer``)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any

from .. import mailer
from ..settings import PREFIX
from .shared import CliError, Commands, emit, open_store, settings_from


def cmd_mailer(args: argparse.Namespace) -> None:
    settings = settings_from(args)
    store = open_store(args)
    if args.once:
        try:
            emit(args, mailer.deliver(store, settings, limit=args.limit))
        except mailer.MailerError as exc:
            raise CliError(str(exc)) from None
        return

    jobs = None
    if args.metrics_port is not None:
        from ..metrics import JobMetrics

        try:
            jobs = JobMetrics(args.metrics_port)
        except OSError as exc:
            raise CliError(f"cannot serve metrics on port {args.metrics_port}: "
                           f"{exc.strerror}") from None

    def report(result: dict[str, Any]) -> None:
        if jobs is not None:
            jobs.delivered(result)
        if "error" in result:
            print(f"clientgate: mailer: {result['error']}", file=sys.stderr, flush=True)
        elif result["sent"] or result["failed"]:
            emit(args, result)

    try:
        with contextlib.suppress(KeyboardInterrupt):
            mailer.run(store, settings, limit=args.limit, report=report, rounds=args.rounds)
    finally:
        if jobs is not None:
            jobs.close()


def register(commands: Commands) -> None:
    p = commands.command("mailer", cmd_mailer,
                         f"deliver queued emails through SMTP (settings: {PREFIX}SMTP_*)")
    p.add_argument("--once", action="store_true", help="deliver what is pending, then exit")
    p.add_argument("--limit", type=int, default=100, help="emails per round (default 100)")
    p.add_argument("--metrics-port", dest="metrics_port", type=int, metavar="PORT",
                   help="serve the mailer's counters (Prometheus) on this port")
    p.add_argument("--rounds", type=int, help=argparse.SUPPRESS)  # tests: stop after N rounds
