"""The request timeout: a request whose response has not started within
``CLIENTGATE_REQUEST_TIMEOUT`` seconds is cancelled and answered with its dialect's 503.

Each store call, the body and the headers have their own limits; this bounds their sum, whatever
a request does. A watchdog per worker keeps each request task's deadline in a dict and looks at
them every ``TICK`` seconds, so a request costs a dict insert and a delete, not a timer of its
own. A streamed response is not cut once it has started: its status is already on the wire.
"""

from __future__ import annotations

import asyncio
import time
from contextvars import ContextVar

TICK = 0.5
#: When the current request must have its response started (``time.monotonic()``): a store call
#: in a thread is given no more time than that (``Executor.in_thread``), so a request cancelled
#: here never commits a write after its 503.
DEADLINE: ContextVar[float | None] = ContextVar("clientgate_request_deadline", default=None)


class Watchdog:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._due: dict[asyncio.Task, float] = {}
        self._expired: set[asyncio.Task] = set()
        self._timer: asyncio.TimerHandle | None = None

    def watch(self) -> asyncio.Task | None:
        """Start the current request's clock; returns what ``release`` and ``expired`` take."""
        task = asyncio.current_task()
        if task is None:
            return None
        loop = task.get_loop()
        self._due[task] = loop.time() + self.seconds
        DEADLINE.set(time.monotonic() + self.seconds)
        if self._timer is None:
            self._timer = loop.call_later(TICK, self._tick, loop)
        return task

    def release(self, task: asyncio.Task | None) -> None:
        """The response started (or the request ended): the clock stops."""
        self._due.pop(task, None)  # type: ignore[arg-type]

    def expired(self, task: asyncio.Task | None) -> bool:
        """Whether ``task`` was cancelled for its deadline (and forget it)."""
        if task in self._expired:
            self._expired.discard(task)  # type: ignore[arg-type]
            return True
        return False

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        now = loop.time()
        for task, due in list(self._due.items()):
            if due <= now:
                del self._due[task]
                self._expired.add(task)
                task.cancel()
        self._timer = loop.call_later(TICK, self._tick, loop) if self._due else None
