"""Pure ASGI middleware (no per-request task or body buffering, unlike ``BaseHTTPMiddleware``).

``DialectBoundary`` is the outermost layer of each dialect's stack: it gives the request its id
and is the one place where any exception raised under it becomes that dialect's error response.
``RequestId`` does the id part for everything outside the dialects (health checks, specs).
"""

from __future__ import annotations

import logging
import random
import re
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from dialects.base import Dialect

log = logging.getLogger("clientgate")
_VALID_ID = re.compile(rb"[A-Za-z0-9._:\-]{1,128}")


def request_id(scope: Scope) -> str:
    return scope.get("state", {}).get("request_id", "-")


def assign_request_id(scope: Scope) -> tuple[bytes, bytes]:
    """Keep a sane ``X-Request-ID`` from the request or make one; returns the response header."""
    rid = b""
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            rid = value if _VALID_ID.fullmatch(value) else b""
            break
    # Not a secret, so no system call for it: the per-process PRNG (reseeded after fork).
    rid = rid or b"%032x" % random.getrandbits(128)
    scope.setdefault("state", {})["request_id"] = rid.decode()
    return (b"x-request-id", rid)


class RequestId:
    """Echoes the request's id (see ``assign_request_id``) on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = assign_request_id(scope)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, send_with_id)


class DialectBoundary:
    """Renders every error under a dialect's mount in that dialect's body, 500s included."""

    def __init__(self, app: ASGIApp, dialect: Dialect) -> None:
        self.app = app
        self.dialect = dialect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["clientgate.dialect"] = self.dialect
        header = assign_request_id(scope)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            response = self.dialect.error_response(exc, scope)
            if response.status_code >= 500:
                log.error(
                    "unhandled error in %s %s (request %s)",
                    scope["method"], scope["path"], request_id(scope), exc_info=exc,
                )
            if started:
                return  # the response is already on the wire; the log line is all we can do
            await response(scope, receive, tracking_send)
