"""The HTTP protocol the gateway serves with: uvicorn's (httptools), plus a limit on how long a
request's headers may take to arrive, which uvicorn does not have.

A connection that opens and trickles its headers (slowloris) holds a socket and a file descriptor
for as long as it likes otherwise. Here the headers of each request must be complete within
``CLIENTGATE_REQUEST_HEADER_TIMEOUT`` seconds of the connection opening or of the request's first
byte; if not, the connection is answered 408 and closed. (The body has its own limit, read by the
dialects: ``CLIENTGATE_REQUEST_BODY_TIMEOUT``.) uvicorn is told to use it with
``--http gateway.protocol:HeaderTimeoutProtocol``, as ``clientgate serve`` does.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .settings import Settings

LATE = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


@functools.cache
def header_timeout() -> float:
    """The setting, read once per process (``serve`` puts every setting in the environment)."""
    return Settings.from_env().request_header_timeout


class HeaderTimeoutProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._headers_due: asyncio.TimerHandle | None = None

    def _expect_headers(self) -> None:
        if self._headers_due is not None:
            self._headers_due.cancel()
        self._headers_due = self.loop.call_later(header_timeout(), self._headers_late)

    def _headers_late(self) -> None:
        self._headers_due = None
        if not self.transport.is_closing():
            self.transport.write(LATE)
            self.transport.close()

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._expect_headers()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._expect_headers()

    def on_headers_complete(self) -> None:
        if self._headers_due is not None:
            self._headers_due.cancel()
            self._headers_due = None
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._headers_due is not None:
            self._headers_due.cancel()
            self._headers_due = None
        super().connection_lost(exc)
