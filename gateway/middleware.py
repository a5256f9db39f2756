"""Pure ASGI middleware (no per-request task or body buffering, unlike ``BaseHTTPMiddleware``).

``DialectBoundary`` is the outermost layer of each dialect's stack: it gives the request its id
and is the one place where any exception raised under it becomes that dialect's error response.
``RequestId`` does the id part for everything outside the dialects (health checks, specs).
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import Unavailable
from dialects.kit.throttle import STYLES, WINDOW, Window

from .watchdog import Watchdog

if TYPE_CHECKING:
    from dialects.kit.base import Dialect

    from .observe import Observer

log = logging.getLogger("clientgate")
_VALID_ID = re.compile(rb"[A-Za-z0-9._:\-]{1,128}")


def request_id_header(scope: Scope) -> tuple[bytes, bytes]:
    """The response's ``X-Request-ID``: the request's own when sane, a new one otherwise."""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            if _VALID_ID.fullmatch(value):
                return (b"x-request-id", value)
            break
    # Not a secret, so no system call for it: the per-process PRNG (reseeded after fork).
    return (b"x-request-id", b"%032x" % random.getrandbits(128))


class _Reply:
    """The ``send`` of a request: adds the request id to the response's headers and remembers
    the response's status once it started."""

    __slots__ = ("send", "header", "status", "watchdog", "task", "scope", "throttle")

    def __init__(self, send: Send, header: tuple[bytes, bytes], watchdog: Watchdog | None = None,
                 task: asyncio.Task | None = None, scope: Scope | None = None,
                 throttle: Callable[[Window, float], list[tuple[bytes, bytes]]] | None = None,
                 ) -> None:
        self.send = send
        self.header = header
        #: The response's status once it started (0 before).
        self.status = 0
        #: Told when the response starts: from then on the request is past its timeout's reach.
        self.watchdog = watchdog
        self.task = task
        #: The request's scope and its dialect's rate-limit headers (``kit.throttle``): the
        #: limiter leaves the request's window in the scope.
        self.scope = scope
        self.throttle = throttle

    @property
    def request_id(self) -> str:
        return self.header[1].decode()

    @property
    def started(self) -> bool:
        return self.status != 0

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            if self.watchdog is not None:
                self.watchdog.release(self.task)
            headers = [*message.get("headers", ()), self.header]
            if self.scope is not None:
                window = self.scope.get(WINDOW)
                if window is not None:
                    headers.extend(self.throttle(window, time.time()))  # type: ignore[misc]
            message["headers"] = headers
        await self.send(message)


class RequestId:
    """Echoes the request's id (see ``request_id_header``) on the response, and has the request
    observed (counted, logged) as the ``gateway``'s own."""

    def __init__(self, app: ASGIApp, observer: Observer) -> None:
        self.app = app
        self.observer = observer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        reply = _Reply(send, request_id_header(scope))
        begun = self.observer.begin(reply.request_id)
        try:
            await self.app(scope, receive, reply)
        finally:
            self.observer.end(scope, "gateway", reply.status, begun)


class DialectBoundary:
    """Renders every error under a dialect's mount in that dialect's body, 500s included.
    ``dispatch.Gateway`` sends it HTTP requests only."""

    def __init__(self, app: ASGIApp, dialect: Dialect, observer: Observer,
                 watchdog: Watchdog | None = None) -> None:
        self.app = app
        self.dialect = dialect
        self.name = dialect.name
        self.throttle = STYLES[dialect.throttle_headers]
        self.observer = observer
        self.watchdog = watchdog

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        watchdog = self.watchdog
        task = watchdog.watch() if watchdog is not None else None
        reply = _Reply(send, request_id_header(scope), watchdog, task, scope, self.throttle)
        begun = self.observer.begin(reply.request_id)
        try:
            await self.app(scope, receive, reply)
        except ClientDisconnect:
            # The client hung up before its request was read: nobody to answer, nothing wrong.
            log.info("client disconnected during %s %s (request %s)", scope["method"],
                     scope["path"], reply.request_id)
        except asyncio.CancelledError:
            if watchdog is None or not watchdog.expired(task) or reply.started:
                raise
            task.uncancel()  # type: ignore[union-attr]
            timeout = Unavailable(f"no response within {watchdog.seconds:g} s")
            self._log(timeout, scope, reply, "request timed out")
            await self.dialect.error_response(timeout, scope)(scope, receive, reply)
        except Exception as exc:
            if reply.started:
                # The status and part of the body are on the wire: all that is left is to end the
                # connection without the body's end, so the client sees a broken response, not a
                # short one (uvicorn closes it), and to say so once.
                self._log(exc, scope, reply, "response cut off after it started")
                return
            response = self.dialect.error_response(exc, scope)
            if response.status_code >= 500:
                self._log(exc, scope, reply, "unhandled error")
            await response(scope, receive, reply)
        finally:
            if watchdog is not None:
                watchdog.release(task)
            self.observer.end(scope, self.name, reply.status, begun)

    @staticmethod
    def _log(exc: Exception, scope: Scope, reply: _Reply, what: str) -> None:
        """One line: a known state of the database (``Unavailable``) without a traceback, as a
        warning; anything else, a bug, with its traceback."""
        if isinstance(exc, Unavailable):
            log.warning("%s for %s %s (request %s): database unavailable: %s",
                        what, scope["method"], scope["path"], reply.request_id, exc)
        else:
            log.error("%s in %s %s (request %s)", what, scope["method"], scope["path"],
                      reply.request_id, exc_info=exc)
