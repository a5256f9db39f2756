"""``backup``: an online copy of the SQLite database, taken while the gateway serves
(``gateway.backup``), with a progress bar on a terminal and a JSON summary with ``--json``."""

from __future__ import annotations

import argparse
import json
from contextlib import ExitStack
from pathlib import Path

from .. import backup
from .shared import CliError, Commands, settings_from, sqlite_path


def cmd_backup(args: argparse.Namespace) -> int:
    source = sqlite_path(settings_from(args).database_url)
    with ExitStack() as stack:
        try:
            summary = backup.copy(source, Path(args.output), force=args.force,
                                  progress=_progress(stack, quiet=args.json))
        except backup.BackupError as exc:
            raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"backed up {summary['source']} to {summary['output']}: {summary['bytes']:,} "
              f"bytes, schema {summary['schema']}, in {summary['seconds']:.1f} s")
    return 0


def _progress(stack: ExitStack, *, quiet: bool):  # type: ignore[no-untyped-def]
    """A progress bar of pages on stderr when it is a terminal; the backup API's callback."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeElapsedColumn

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        return None
    bar = stack.enter_context(Progress("backing up", BarColumn(), TaskProgressColumn(),
                                       TimeElapsedColumn(), console=console))
    task = bar.add_task("backup", total=None)

    def step(status: int, remaining: int, total: int) -> None:
        bar.update(task, total=total, completed=total - remaining)

    return step


def register(commands: Commands) -> None:
    p = commands.command("backup", cmd_backup,
                         "copy the SQLite database while the gateway serves (online, checked)")
    p.add_argument("output", help="the file to write (a new file; see --force)")
    p.add_argument("--force", action="store_true", help="replace OUTPUT if it exists")
