"""A graceful stop: on SIGTERM the instance first reports itself not ready (``/readyz`` 503,
"shutting down") for ``CLIENTGATE_DRAIN_SECONDS`` while it goes on serving, so a load balancer
stops sending it requests; then uvicorn's own shutdown refuses new connections and lets the
requests in flight finish (for up to ``CLIENTGATE_SHUTDOWN_TIMEOUT`` seconds). A second SIGTERM
stops draining at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("clientgate")


class Drain:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        #: Set once a stop has begun: readiness answers 503 from then on.
        self.started = False
        self._previous: Callable[..., Any] | None = None

    def install(self) -> None:
        """Take SIGTERM over from the server (uvicorn's handler runs after the drain). Only in a
        process's main thread, where signals are delivered; elsewhere (tests) nothing changes."""
        if self.seconds <= 0 or threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGTERM)
        if not callable(previous):
            return
        self._previous = previous
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self._begin)

    def _begin(self) -> None:
        loop = asyncio.get_running_loop()
        if self.started:  # a second SIGTERM: stop now
            self._stop()
            return
        self.started = True
        log.warning("SIGTERM: not ready for %g s, then stopping (requests in flight finish)",
                    self.seconds)
        loop.call_later(self.seconds, self._stop)

    def _stop(self) -> None:
        if self._previous is None:
            return
        previous, self._previous = self._previous, None
        asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)
        signal.signal(signal.SIGTERM, previous)
        previous(signal.SIGTERM, None)
