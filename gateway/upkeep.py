"""What the gateway does beside its requests while it runs: it folds the kept counts' changes
into their groups (``core.counts.Counts.fold``) every ``FOLD_SECONDS``, on PostgreSQL, where
changes are appended apart (SQLite's triggers keep the counts directly: nothing runs there),
and after a fold that changed groups vacuums the changes it deleted (``Counts.sweep``).

A total is exact whether or not its changes are folded; folding keeps the changes few, so that
reading a total stays a few rows. Several gateways on one database may all fold: a fold waits
for another's groups and skips the changes it took. A fold that fails (the database down) is
tried again at the next tick; the first failure of a run of them is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from core.db import DATABASE_ERRORS
from core.errors import Unavailable
from core.store import Store

from .execution import Executor

FOLD_SECONDS = 1.0
log = logging.getLogger("clientgate")


class Upkeep:
    def __init__(self, store: Store, executor: Executor, timeout: float,
                 every: float = FOLD_SECONDS) -> None:
        self._store = store
        self._executor = executor
        self._timeout = timeout
        self._every = every
        #: How many folds have succeeded (``Counts.folds`` says whether any run at all).
        self.folded = 0

    async def _run(self) -> None:
        failing = False
        counts = self._store.counts
        while True:
            chore = "kept counts not folded (totals stay exact)"
            try:
                changed = await self._executor.in_thread(self._timeout, counts.fold)
                self.folded += 1
                if changed:
                    chore = "folded changes not vacuumed (totals slower until they are)"
                    await self._executor.in_thread(self._timeout, counts.sweep)
            except (Unavailable, *DATABASE_ERRORS) as exc:
                if not failing:
                    first = (str(exc).strip().splitlines() or [""])[0][:200]
                    log.warning("%s: %s: %s", chore, type(exc).__name__, first)
                failing = True
            else:
                failing = False
            await asyncio.sleep(self._every)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """The chores run for the length of the block (the application's lifespan)."""
        if not self._store.counts.folds:
            yield
            return
        task = asyncio.create_task(self._run(), name="clientgate upkeep")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
