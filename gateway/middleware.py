"""Pure ASGI middleware (no per-request task or body buffering, unlike ``BaseHTTPMiddleware``).

``RequestId`` wraps the whole app; ``DialectBoundary`` wraps each dialect's mount and is the one
place where any exception raised under it becomes that dialect's error response.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from dialects.base import Dialect

log = logging.getLogger("clientgate")
_VALID_ID = re.compile(rb"[A-Za-z0-9._:\-]{1,128}")


def request_id(scope: Scope) -> str:
    return scope.get("state", {}).get("request_id", "-")


class RequestId:
    """Keeps a sane ``X-Request-ID`` from the request or makes one; echoes it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = b""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                rid = value if _VALID_ID.fullmatch(value) else b""
                break
        rid = rid or uuid.uuid4().hex.encode()
        scope.setdefault("state", {})["request_id"] = rid.decode()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", rid)]
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
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
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
            await response(scope, receive, send)
