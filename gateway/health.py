"""Liveness and readiness, outside every dialect and without authentication."""

from __future__ import annotations

import logging

from starlette.requests import Request

from core import migrate
from core.db import is_unavailable
from core.errors import Unavailable
from core.store import Store
from dialects.kit.responses import JSON

from .execution import Executor
from .lifecycle import Drain

log = logging.getLogger("clientgate")


class Health:
    def __init__(self, store: Store, executor: Executor, timeout: float = 3.0,
                 drain: Drain | None = None) -> None:
        self.store = store
        self.executor = executor
        self.timeout = timeout
        self.drain = drain

    async def live(self, request: Request) -> JSON:
        """The process is up and serving."""
        return JSON({"status": "ok"})

    async def ready(self, request: Request) -> JSON:
        """This instance can serve: within ``timeout``, its schema is one this code serves (its
        own, or a newer one that still serves it, see ``core.migrate``), and a read of every
        table through the connections requests use succeeds. Always in a thread: a check that
        hangs must not hold the loop."""

        if self.drain is not None and self.drain.started:
            return JSON({"status": "unavailable", "reason": "shutting down"}, status_code=503)

        def check() -> str | None:
            problem = migrate.inspect(self.store.engine).problem()
            if problem is None:
                self.store.probe()
            return problem

        try:
            problem = await self.executor.in_thread(self.timeout, check)
        except Exception as exc:  # any failure means "not ready"
            log.warning("readiness check failed: %s: %s", type(exc).__name__,
                        (str(exc).strip().splitlines() or [""])[0])
            unreachable = isinstance(exc, (Unavailable, TimeoutError)) or is_unavailable(exc)
            problem = "database unreachable" if unreachable else "a read of the schema failed"
        if problem:
            return JSON({"status": "unavailable", "reason": problem}, status_code=503)
        return JSON({"status": "ok"})
