"""``contract`` and ``diff``: check any server (the gateway, a staging copy, the vendor) against
a dialect, or two servers against each other (``gateway.contract``)."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import closing
from pathlib import Path

import orjson

from dialects.registry import DIALECTS

from ..contract import fuzz as fuzzing
from ..contract import shapes
from ..contract.report import Report
from ..contract.scenario import Result, Run
from .shared import CliError, Commands

TOKEN_ENV = "CLIENTGATE_CONTRACT_TOKEN"
AGAINST_TOKEN_ENV = "CLIENTGATE_CONTRACT_AGAINST_TOKEN"


def _token(given: str | None, env: str, flag: str) -> str:
    token = given or os.environ.get(env)
    if not token:
        raise CliError(f"give {flag} or set {env}")
    return token


def _run(args: argparse.Namespace, base_url: str, token: str, workspace: str | None, *,
         judge: bool = True) -> Run:
    if not fuzzing.available():
        raise CliError("contract checks need the contract extra (schemathesis): pip install "
                       "'clientgate[contract]'")
    dialect = DIALECTS[args.dialect]
    if dialect.listing.workspace_required and workspace is None:
        raise CliError(f"{dialect.vendor} names a workspace in every call: give --workspace")
    return Run(dialect, base_url, token, workspace=workspace, read_only=args.read_only,
               judge=judge)


def _checks(run: Run, args: argparse.Namespace, base_url: str, token: str,
            workspace: str | None):
    with closing(run.checks()) as checks:  # closed on an interrupt too: the cleanup runs
        yield from checks
    if args.max_examples > 0:
        yield from fuzzing.fuzz(run.dialect, base_url, token, max_examples=args.max_examples,
                                workspace=workspace)


def cmd_contract(args: argparse.Namespace) -> int:
    token = _token(args.token, TOKEN_ENV, "--token")
    run = _run(args, args.base_url, token, args.workspace)
    report = Report(json=args.json, title=f"{args.dialect} at {args.base_url}")
    try:
        for _ in report.follow(_checks(run, args, args.base_url, token, args.workspace)):
            pass
    finally:
        run.close()
    left = run.left_behind()
    report.finish(prefix=run.prefix, left_behind=len(left))
    if args.junit:
        report.junit(Path(args.junit))
    return 1 if report.failed else 0


def _collect(run: Run) -> list[Result]:
    try:
        with closing(run.checks()) as checks:
            return list(checks)
    finally:
        run.close()


def cmd_diff(args: argparse.Namespace) -> int:
    a = _run(args, args.base_url, _token(args.token, TOKEN_ENV, "--token"), args.workspace,
             judge=False)
    b = _run(args, args.against, _token(args.against_token, AGAINST_TOKEN_ENV,
                                        "--against-token"),
             args.against_workspace or args.workspace, judge=False)
    found = shapes.results(_collect(a), _collect(b), values=args.values)
    if args.json:
        for d in found:
            sys.stdout.write(orjson.dumps(d.as_dict()).decode() + "\n")
        sys.stdout.write(orjson.dumps({"summary": True, "differences": len(found)}).decode()
                         + "\n")
    else:
        for d in found:
            print(d.line())
        print(f"{len(found)} difference(s) between {args.base_url} and {args.against}")
    return 1 if found else 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dialect", required=True, choices=sorted(DIALECTS))
    p.add_argument("--base-url", dest="base_url", required=True,
                   help="the dialect's base URL as an integration uses it (its OpenAPI "
                        "file's servers: https://your-app.com/api/v1, "
                        "http://HOST:PORT/fullengage/api/v1); the vendor's bare host is taken "
                        "too")
    p.add_argument("--token", help=f"the Bearer credential (default: ${TOKEN_ENV})")
    p.add_argument("--workspace", metavar="SLUG_OR_ID",
                   help="the workspace to work in (Outlign's company_id, GitScrum's "
                        "company_slug)")
    p.add_argument("--read-only", dest="read_only", action="store_true",
                   help="only safe requests: nothing is written (for production servers)")


def register(commands: Commands) -> None:
    p = commands.command(
        "contract", cmd_contract,
        "check a server against a dialect: named checks, then bounded fuzzing; exit 0 only "
        "when every check passed", database=False)
    _common(p)
    p.add_argument("--max-examples", dest="max_examples", type=int, default=25, metavar="N",
                   help="generated requests per safe operation in the fuzzing stage "
                        "(0: no fuzzing; default 25)")
    p.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML")
    p = commands.command(
        "diff", cmd_diff,
        "run the same checks against two servers and name every difference in status, "
        "content type and body shape; exit 0 only when there is none", database=False)
    _common(p)
    p.add_argument("--against", required=True, metavar="URL", help="the other server")
    p.add_argument("--against-token", dest="against_token",
                   help=f"its credential (default: ${AGAINST_TOKEN_ENV})")
    p.add_argument("--against-workspace", dest="against_workspace", metavar="SLUG_OR_ID",
                   help="its workspace (default: --workspace)")
    p.add_argument("--values", action="store_true",
                   help="compare values too, not only shapes (ids and times will differ)")
    p.set_defaults(max_examples=0)
