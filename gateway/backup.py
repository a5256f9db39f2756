"""An online copy of a SQLite database, taken while the gateway serves.

SQLite's backup API (``sqlite3.Connection.backup``) copies the database page by page, in steps,
so writers are held up for one step at a time, never for the whole copy; each step sees one
consistent state, and a write between steps makes SQLite restart from the pages it changed. The
copy is written beside the target under a temporary name, checked (``PRAGMA quick_check``) and
then renamed into place, so a backup is either whole or absent. No ``sqlite3`` binary is needed,
which the container does not have. PostgreSQL databases are backed up with ``pg_dump``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

from core import migrate
from core.db import SQLITE_BUSY_TIMEOUT_MS

#: Pages copied per step: about 4 MB with SQLite's default page size.
STEP_PAGES = 1024


class BackupError(Exception):
    """Why no backup was made, in one line."""


def copy(source: Path | None, target: Path, *, force: bool = False,
         progress: Callable[[int, int, int], None] | None = None) -> dict[str, Any]:
    """Copy the SQLite database at ``source`` (``None``: the database is not SQLite) to
    ``target``; ``progress(status, remaining, total)`` hears each step. Returns a summary."""
    if source is None:
        raise BackupError("backup copies SQLite databases; back PostgreSQL up with pg_dump "
                          "(or your provider's snapshots)")
    if not source.exists():
        raise BackupError(f"no database at {source}")
    if target.exists() and not force:
        raise BackupError(f"{target} exists: give --force to replace it")
    if not target.parent.is_dir():
        raise BackupError(f"no directory {target.parent} to write {target.name} in")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    started = time.monotonic()
    with ExitStack() as stack:
        src = stack.enter_context(closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)))
        src.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        dst = stack.enter_context(closing(sqlite3.connect(partial)))
        try:
            src.backup(dst, pages=STEP_PAGES, progress=progress)
            problem = dst.execute("PRAGMA quick_check").fetchone()[0]
            if problem != "ok":
                raise BackupError(f"the copy failed its check: {problem}")
            pages = dst.execute("PRAGMA page_count").fetchone()[0]
            revision = dst.execute("SELECT version_num FROM alembic_version").fetchone()
        except BaseException:
            dst.close()
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, target)
    return {"source": str(source), "output": str(target), "pages": pages,
            "bytes": target.stat().st_size, "schema": revision[0] if revision else None,
            "current": bool(revision) and revision[0] == migrate.head(),
            "seconds": round(time.monotonic() - started, 3)}
