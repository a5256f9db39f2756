"""Where store calls run: on the event loop, bounded, or in worker threads (``Settings.db_calls``).

A SQLite call is microseconds of local I/O, less than the hop to a worker thread, so with SQLite
calls are first tried on the event loop, within ``inline_budget_ms`` and without waiting for any
lock (``core.sql.Statements.within``). One that would take longer, or wait, is undone and run
again in a thread: the loop is never held for more than the budget, whatever the store is doing.
PostgreSQL calls always run in threads: they wait on the network.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import anyio.to_thread

from core.db import is_sqlite
from core.sql import OVERRUN
from core.store import Store

T = TypeVar("T")


class Executor:
    def __init__(self, store: Store, mode: str = "auto", budget_ms: float = 5.0) -> None:
        self.store = store
        #: Calls are tried on the event loop first (SQLite with ``auto`` or ``inline``).
        self.inline = is_sqlite(store.engine) and mode in ("auto", "inline")
        self.budget = budget_ms / 1000
        self._within = store.db.within

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self.inline:
            result = self._within(self.budget, fn, *args, **kwargs)
            if result is not OVERRUN:
                return result
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))
