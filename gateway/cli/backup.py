"""``backup``: an online copy of a SQLite database, taken while the gateway serves.

SQLite's backup API (``sqlite3.Connection.backup``) copies the database page by page, in steps,
so writers are held up for one step at a time, never for the whole copy; each step sees one
consistent state, and a write between steps makes SQLite restart from the pages it changed. The
copy is written beside the target under a temporary name, checked (``PRAGMA quick_check``) and
then renamed into place, so a backup is either whole or absent. No ``sqlite3`` binary is needed,
which the container does not have. PostgreSQL databases are backed up with ``pg_dump``.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import time
from contextlib import ExitStack, closing
from pathlib import Path

from core import migrate
from core.db import SQLITE_BUSY_TIMEOUT_MS

from .shared import CliError, Commands, settings_from, sqlite_path

#: Pages copied per step: about 4 MB with SQLite's default page size.
STEP_PAGES = 1024


def cmd_backup(args: argparse.Namespace) -> int:
    url = settings_from(args).database_url
    source = sqlite_path(url)
    if source is None:
        raise CliError("backup copies SQLite databases; back PostgreSQL up with pg_dump "
                       "(or your provider's snapshots)")
    if not source.exists():
        raise CliError(f"no database at {source}")
    target = Path(args.output)
    if target.exists() and not args.force:
        raise CliError(f"{target} exists: give --force to replace it")
    if not target.parent.is_dir():
        raise CliError(f"no directory {target.parent} to write {target.name} in")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    started = time.monotonic()
    with ExitStack() as stack:
        progress = _progress(stack, quiet=args.json)
        src = stack.enter_context(closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)))
        src.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        dst = stack.enter_context(closing(sqlite3.connect(partial)))
        try:
            src.backup(dst, pages=STEP_PAGES, progress=progress)
            problem = dst.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise CliError(f"the copy failed its check: {problem}")
            pages = dst.execute("PRAGMA page_count").fetchone()[0]
            revision = dst.execute("SELECT version_num FROM alembic_version").fetchone()
        except BaseException:
            dst.close()
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, target)
    summary = {"source": str(source), "output": str(target), "pages": pages,
               "bytes": target.stat().st_size, "schema": revision[0] if revision else None,
               "current": bool(revision) and revision[0] == migrate.head(),
               "seconds": round(time.monotonic() - started, 3)}
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"backed up {source} to {target}: {summary['bytes']:,} bytes, schema "
              f"{summary['schema']}, in {summary['seconds']:.1f} s")
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
