"""What the gateway notes about every request when it ends: its metrics and its access line.

``Observer.begin`` and ``Observer.end`` bracket a request in the error boundaries
(``middleware``): the request id is set for every log line written meanwhile (``logs.REQUEST_ID``,
a context variable, which worker threads inherit), and at the end the request is counted and, when
the access log is on, logged once with its route, status, duration, tenant and key.
"""

from __future__ import annotations

import time
from contextvars import Token
from typing import TYPE_CHECKING, Any

from .logs import REQUEST_ID, redact_query
from .metrics import DISCONNECTED, Metrics

if TYPE_CHECKING:
    from starlette.types import Scope

#: Where the authenticator leaves the request's ``Principal`` in its scope, for the access line.
PRINCIPAL = "clientgate.principal"
UNMATCHED = "unmatched"


class Observer:
    __slots__ = ("metrics", "_record", "_enter", "_done", "_access")

    def __init__(self, metrics: Metrics, *, record: bool, access: Any | None) -> None:
        """``record``: count requests in ``metrics``; ``access``: the structlog logger that
        writes one line per request (``logs.access_logger``), None for no access log."""
        self.metrics = metrics
        self._record = record
        self._enter = metrics.enter
        self._done = metrics.done
        self._access = access

    def begin(self, request_id: str) -> tuple[float, Token[str | None]]:
        """The request's start and its log context (what ``end`` takes back)."""
        if self._record:
            self._enter()
        return time.perf_counter(), REQUEST_ID.set(request_id)

    def end(self, scope: Scope, dialect: str, status: int,
            begun: tuple[float, Token[str | None]]) -> None:
        """``status``: the response's, 0 when none started (counted as ``DISCONNECTED``)."""
        started, token = begun
        seconds = time.perf_counter() - started
        status = status or DISCONNECTED
        route = scope.get("route")
        template = route.path if route is not None else UNMATCHED
        if self._record:
            self._done(dialect, template, scope["method"], status, seconds)
        access = self._access
        if access is not None:
            self._log(access, scope, dialect, template, status, seconds)
        REQUEST_ID.reset(token)

    @staticmethod
    def _log(access: Any, scope: Scope, dialect: str, route: str, status: int,
             seconds: float) -> None:
        query = scope.get("query_string", b"")
        path = scope["path"]
        if query:
            path = redact_query(f"{path}?{query.decode('latin-1')}")
        principal = scope.get(PRINCIPAL)
        client = scope.get("client")
        access.info(
            "request", method=scope["method"], path=path, status=status,
            duration_ms=round(seconds * 1000, 3), dialect=dialect, route=route,
            tenant_id=principal.tenant_id if principal is not None else None,
            key_id=principal.key_id if principal is not None else None,
            client=client[0] if client else None)
