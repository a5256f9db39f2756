"""Where store calls run: on the event loop, bounded, or in worker threads (``Settings.db_calls``).

A SQLite call is microseconds of local I/O, less than the hop to a worker thread, so with SQLite
calls are first tried on the event loop, within ``inline_budget_ms`` and without waiting for any
lock (``core.sql.Statements.within``). One that would take longer, or wait, is undone and run
again in a thread: the loop is never held for more than the budget, whatever the store is doing.
PostgreSQL calls always run in threads: they wait on the network.

Whatever holds a call up (a stalled network, a lock, an exhausted pool), the request waits at most
``db_call_timeout`` seconds for it and is then answered with the dialect's 503; the thread is
abandoned to finish or fail on its own (the database's own timeouts end it).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from core.db import is_sqlite
from core.errors import Unavailable
from core.sql import OVERRUN
from core.store import Store

from .watchdog import DEADLINE

T = TypeVar("T")
#: How long past its deadline a call is still waited for: a commit that started in time.
COMMIT_GRACE = 0.5


class Executor:
    def __init__(self, store: Store, mode: str = "auto", budget_ms: float = 5.0,
                 timeout: float = 10.0) -> None:
        self.store = store
        #: Calls are tried on the event loop first (SQLite with ``auto`` or ``inline``).
        self.inline = is_sqlite(store.engine) and mode in ("auto", "inline")
        self.budget = budget_ms / 1000
        self.timeout = timeout
        self._within = store.db.within

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self.inline:
            result = self._within(self.budget, fn, *args, **kwargs)
            if result is not OVERRUN:
                return result
        return await self.in_thread(self.timeout, fn, *args, **kwargs)

    async def in_thread(self, timeout: float, fn: Callable[..., T], *args: Any,
                        **kwargs: Any) -> T:
        """``fn`` in a worker thread, waited for at most ``timeout`` seconds (and a grace for
        a commit under way). A write still running then is rolled back instead of committed
        (``Statements.deadline``): a request answered 503 has written nothing."""
        deadline = time.monotonic() + timeout
        request_deadline = DEADLINE.get()
        if request_deadline is not None and request_deadline < deadline:
            deadline = request_deadline

        def bounded() -> T:
            with self.store.db.deadline(deadline):
                return fn(*args, **kwargs)

        try:
            with anyio.fail_after(timeout + COMMIT_GRACE):
                return await anyio.to_thread.run_sync(bounded, abandon_on_cancel=True)
        except TimeoutError:
            raise Unavailable(f"no answer from the database within {timeout:g} s") from None
