"""Liveness and readiness, outside every dialect and without authentication."""

from __future__ import annotations

import logging

from starlette.requests import Request

from core import migrate
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
        """The database answers, within ``timeout``, and its schema is the one this code
        expects. Always in a thread: a check that hangs must not hold the loop."""

        if self.drain is not None and self.drain.started:
            return JSON({"status": "unavailable", "reason": "shutting down"}, status_code=503)

        def check() -> str | None:  # reading the schema version is a real query
            return None if migrate.is_current(self.store.engine) else "schema is not up to date"

        try:
            problem = await self.executor.in_thread(self.timeout, check)
        except Exception as exc:  # any failure to reach the database means "not ready"
            log.warning("readiness check failed: %s: %s", type(exc).__name__, exc)
            problem = "database unreachable"
        if problem:
            return JSON({"status": "unavailable", "reason": problem}, status_code=503)
        return JSON({"status": "ok"})
