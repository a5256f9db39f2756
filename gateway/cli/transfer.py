"""``import`` and ``export``: moving an integration's clients in, with every id they had, and a
tenant's clients out (``gateway.migration``)."""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from dialects.registry import DIALECTS

from ..migration import runner
from ..migration.files import BadRecord
from ..migration.source import Source, SourceError
from .shared import CliError, Commands, find_tenant, open_store

#: Failed records listed on a terminal before "... and N more".
SHOWN = 20


class Meter:
    """A progress bar on stderr when it is a terminal (records, rate, pages), else nothing."""

    def __init__(self, stack: ExitStack, what: str, *, quiet: bool,
                 metrics_port: int | None = None) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(stderr=True)
        self._progress = None
        if console.is_terminal and not quiet:
            self._progress = stack.enter_context(Progress(
                SpinnerColumn(), TextColumn("{task.description}"),
                TextColumn("{task.completed:,.0f} records"),
                TextColumn("{task.fields[rate]:,.0f}/s"),
                TextColumn("{task.fields[pages]} pages"), TimeElapsedColumn(),
                console=console, transient=False))
            self._task = self._progress.add_task(what, total=None, rate=0.0, pages=0)
        self._pages = 0
        self._metrics = None
        if metrics_port is not None:
            from ..metrics import JobMetrics

            try:
                self._metrics = JobMetrics(metrics_port)
            except OSError as exc:
                raise CliError(f"cannot serve metrics on port {metrics_port}: "
                               f"{exc.strerror}") from None
            stack.callback(self._metrics.close)

    def stage(self, what: str) -> None:
        if self._progress is not None:
            self._progress.update(self._task, description=what)

    def update(self, *, records: int = 0, pages: int = 0,
               outcomes: dict[str, int] | None = None) -> None:
        if self._metrics is not None:
            self._metrics.imported(records=records, pages=pages, outcomes=outcomes)
        if self._progress is None:
            return
        self._pages += pages
        self._progress.update(self._task, advance=records, pages=self._pages)
        task = self._progress.tasks[0]
        self._progress.update(self._task, rate=task.speed or 0.0)


def _report(args: argparse.Namespace, summary: runner.Summary) -> int:
    result = summary.as_dict()
    failures = summary.lines()
    if args.json:
        print(json.dumps(result))
    else:
        verb = "would be " if args.dry_run else ""
        print(", ".join(f"{result[k]} {verb}{k}" for k in ("created", "updated", "unchanged",
                                                           "failed"))
              + f"; {result['pages']} pages"
              + (f", {result['search_entries']} search entries" if result["search_entries"]
                 else "")
              + f" in {result['seconds']:.1f} s")
    for line in failures[:SHOWN]:
        print(f"clientgate: failed: {line}", file=sys.stderr)
    if summary.tally.failed > SHOWN:
        print(f"clientgate: ... and {summary.tally.failed - SHOWN} more failed",
              file=sys.stderr)
    return 0 if summary.tally.failed == 0 else 1


def cmd_import(args: argparse.Namespace) -> int:
    if (args.file is None) == (args.source is None):
        raise CliError("give either --from BASE_URL (with --dialect and --token) or --file FILE")
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    with ExitStack() as stack:
        meter = Meter(stack, "import", quiet=args.json, metrics_port=args.metrics_port)
        if args.file is not None:
            if not Path(args.file).is_file():
                raise CliError(f"no file {args.file!r}")
            try:
                summary = runner.from_file(store, tenant["id"], args.file,
                                           dry_run=args.dry_run, meter=meter)
            except BadRecord as exc:
                raise CliError(str(exc)) from None
        else:
            summary = _from_source(args, store, tenant, stack, meter)
    return _report(args, summary)  # once the progress bar is gone


def _from_source(args: argparse.Namespace, store: Any, tenant: dict, stack: ExitStack,
                 meter: Meter) -> runner.Summary:
    """``import --from``: the dialect's list at the vendor's base URL."""
    if args.dialect is None or args.token is None:
        raise CliError("an import from an API needs --dialect and --token")
    if not args.source.startswith(("http://", "https://")):
        raise CliError(f"--from must be an http:// or https:// URL, not {args.source!r}")
    dialect = DIALECTS[args.dialect]
    source = Source(dialect, args.source, args.token)
    stack.callback(source.close)
    state = Path(args.state) if args.state else Path(
        f".clientgate-import-{dialect.name}-{tenant['id']}")
    try:
        return runner.from_source(store, tenant["id"], dialect, source,
                                  workspaces=args.workspace, state_dir=state,
                                  dry_run=args.dry_run, meter=meter)
    except SourceError as exc:
        raise CliError(str(exc)) from None


def cmd_export(args: argparse.Namespace) -> int:
    store = open_store(args)
    tenant = find_tenant(store, args.tenant)
    fmt = args.format or ("csv" if (args.output or "").endswith(".csv") else "jsonl")
    with ExitStack() as stack:
        if args.output:
            try:
                out: Any = stack.enter_context(open(args.output, "wb"))
            except OSError as exc:
                raise CliError(f"cannot write {args.output}: {exc.strerror}") from None
        else:
            out = sys.stdout.buffer
        meter = Meter(stack, "export", quiet=args.json or not args.output)
        result = runner.export(store, tenant, out, fmt, meter)
    if args.output:
        print(json.dumps(result) if args.json else
              f"{result['clients']} clients written to {args.output} in {result['seconds']:.1f} s")
    return 0


def register(commands: Commands) -> None:
    p = commands.command(
        "import", cmd_import,
        "import clients with their ids: from a vendor's API (--from) or an export (--file)",
        tenant=True)
    p.add_argument("--dialect", choices=sorted(DIALECTS), help="the vendor's dialect")
    p.add_argument("--from", dest="source", metavar="BASE_URL",
                   help="the vendor base URL the integration used (https://your-app.com/api/v1; "
                        "the bare host is taken too)")
    p.add_argument("--token", help="the vendor API token (sent as a Bearer credential)")
    p.add_argument("--workspace", action="append", default=[], metavar="SLUG_OR_ID",
                   help="Outlign: a company_id to read (default: every client); GitScrum: a "
                        "company_slug to read (required, repeatable); others: the workspace "
                        "(slug) to put the clients in")
    p.add_argument("--file", help="an export file (JSON Lines or CSV) to import")
    p.add_argument("--state", help="where a live import keeps its progress (default: "
                                   "./.clientgate-import-<dialect>-<tenant id>)")
    p.add_argument("--dry-run", action="store_true", help="report what would change; write "
                                                          "nothing")
    p.add_argument("--metrics-port", dest="metrics_port", type=int, metavar="PORT",
                   help="serve the import's counters (Prometheus) on this port while it runs")
    p = commands.command("export", cmd_export,
                         "write every client of a tenant, with everything stored about it",
                         tenant=True)
    p.add_argument("--format", choices=("jsonl", "csv"),
                   help="jsonl (everything; the default) or csv (for spreadsheets)")
    p.add_argument("--output", help="file to write (default: standard output)")
