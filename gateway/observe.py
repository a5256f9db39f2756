"""What the gateway notes about every request when it ends: its metrics and its access line.

``Observer.begin`` and ``Observer.end`` bracket a request in the error boundaries
(``middleware``): the request id is bound for every log line written meanwhile (structlog's
context variables, which worker threads inherit), and at the end the request is counted and, when
the access log is on, logged once with its route, status, duration, tenant and key.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from structlog.contextvars import bind_contextvars, reset_contextvars

from .logs import ACCESS_LOGGER, redact_query
from .metrics import DISCONNECTED, Metrics

if TYPE_CHECKING:
    from starlette.types import Scope

#: Where the authenticator leaves the request's ``Principal`` in its scope, for the access line.
PRINCIPAL = "clientgate.principal"
UNMATCHED = "unmatched"


class Observer:
    __slots__ = ("metrics", "_record", "_observe", "_in_flight", "_access")

    def __init__(self, metrics: Metrics, *, record: bool, access_log: bool) -> None:
        """``record``: count requests in ``metrics``; ``access_log``: one line per request."""
        self.metrics = metrics
        self._record = record
        self._observe = metrics.observe
        self._in_flight = metrics.in_flight
        self._access = logging.getLogger(ACCESS_LOGGER) if access_log else None

    def begin(self, request_id: str) -> tuple[float, dict[str, Any]]:
        """The request's start and its bound log context (what ``end`` takes back)."""
        if self._record:
            self._in_flight.inc()
        return time.perf_counter(), bind_contextvars(request_id=request_id)

    def end(self, scope: Scope, dialect: str, status: int,
            begun: tuple[float, dict[str, Any]]) -> None:
        """``status``: the response's, 0 when none started (counted as ``DISCONNECTED``)."""
        started, tokens = begun
        seconds = time.perf_counter() - started
        status = status or DISCONNECTED
        route = scope.get("route")
        template = route.path if route is not None else UNMATCHED
        if self._record:
            self._in_flight.dec()
            self._observe(dialect, template, scope["method"], status, seconds)
        access = self._access
        if access is not None and access.isEnabledFor(logging.INFO):
            self._log(access, scope, dialect, template, status, seconds)
        reset_contextvars(**tokens)

    @staticmethod
    def _log(access: logging.Logger, scope: Scope, dialect: str, route: str, status: int,
             seconds: float) -> None:
        query = scope.get("query_string", b"")
        path = scope["path"]
        if query:
            path = redact_query(f"{path}?{query.decode('latin-1')}")
        principal = scope.get(PRINCIPAL)
        client = scope.get("client")
        access.info("request", extra={
            "method": scope["method"], "path": path, "status": status,
            "duration_ms": round(seconds * 1000, 3), "dialect": dialect, "route": route,
            "tenant_id": principal.tenant_id if principal is not None else None,
            "key_id": principal.key_id if principal is not None else None,
            "client": client[0] if client else None,
        })
