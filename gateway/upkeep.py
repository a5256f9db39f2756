"""What the gateway does beside its requests while it runs, every ``EVERY_SECONDS``:

- PostgreSQL: it folds the kept counts' changes into their groups (``core.counts.Counts.fold``;
  changes are appended apart there, while SQLite's triggers keep the counts directly), and after
  a fold that changed groups vacuums the changes it deleted (``Counts.sweep``).
- SQLite: it writes the search entries of the clients created or renamed since the last tick
  (``core.search_index.SearchIndex.catch_up``), a batch to a transaction, until none is left;
  then it copies the WAL into the database file (``core.sql.Statements.checkpoint``), which the
  committing writers would otherwise do in their requests (``core.db.SQLITE_AUTOCHECKPOINT_PAGES``).

A total and a search are exact whether or not their chore has run; running it keeps them fast.
Several gateways on one database may all do the chores: a fold waits for another's groups and
skips the changes it took, and a batch of search entries is written by whichever takes it
first. A chore that fails (the database down) is tried again at the next tick; the first
failure of a run of them is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import TypeVar

from core.db import DATABASE_ERRORS
from core.errors import Unavailable
from core.search_index import BATCH
from core.store import Store

from .execution import Executor

EVERY_SECONDS = 1.0
log = logging.getLogger("clientgate")
T = TypeVar("T")


class _Failed(Exception):
    """A chore's database error, with the chore's name for the log."""

    def __init__(self, chore: str, error: BaseException) -> None:
        self.chore = chore
        self.error = error


class Upkeep:
    def __init__(self, store: Store, executor: Executor, timeout: float,
                 every: float = EVERY_SECONDS) -> None:
        self._store = store
        self._executor = executor
        self._timeout = timeout
        self._every = every
        #: How many folds have succeeded (``Counts.folds`` says whether any run at all).
        self.folded = 0

    async def _run(self, stop: asyncio.Event) -> None:
        failing = False
        while not stop.is_set():
            try:
                await self._chores(stop)
            except _Failed as failed:
                if not failing:
                    exc = failed.error
                    first = (str(exc).strip().splitlines() or [""])[0][:200]
                    log.warning("%s: %s: %s", failed.chore, type(exc).__name__, first)
                failing = True
            else:
                failing = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._every)

    async def _chores(self, stop: asyncio.Event) -> None:
        counts, index = self._store.counts, self._store.search_index
        if counts.folds:
            changed = await self._chore("kept counts not folded (totals stay exact)",
                                        counts.fold)
            self.folded += 1
            if changed:
                await self._chore("folded changes not vacuumed (totals slower until they are)",
                                  counts.sweep)
        if index.pends:
            while await self._chore("search entries not written (searches stay exact, slower "
                                    "until they are)", index.catch_up) == BATCH:
                if stop.is_set():  # more are waiting: the next batch, once requests had
                    break          # their turn, unless the gateway is stopping
        if self._store.db.sqlite:
            await self._chore("WAL not copied into the database file (writers copy it past "
                              "their threshold)", self._store.db.checkpoint)

    async def _chore(self, chore: str, fn: Callable[[], T]) -> T:
        try:
            return await self._executor.in_thread(self._timeout, fn)
        except (Unavailable, *DATABASE_ERRORS) as exc:
            raise _Failed(chore, exc) from exc

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The chores run for the length of the block (the application's lifespan). Leaving it
        waits for the chore under way: its thread is not left running on the store's
        connections, which are closed next (a SQLite connection closed under a statement is a
        crash of the process)."""
        if not (self._store.counts.folds or self._store.search_index.pends
                or self._store.db.sqlite):
            yield
            return
        stop = asyncio.Event()
        task = asyncio.create_task(self._run(stop), name="clientgate upkeep")
        try:
            yield
        finally:
            stop.set()
            await task
