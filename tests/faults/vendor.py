"""A vendor API that misbehaves on cue: an HTTP proxy in front of a real one (another gateway).

``with FaultyVendor(upstream) as vendor:`` serves on ``vendor.url`` and forwards every GET to
``upstream``. ``vendor.plan(fault, ...)`` queues faults, one per request, in order; requests
beyond the plan are forwarded untouched. Faults of the network and the server: ``"429"`` (with
``Retry-After: 1``), ``"500"``, ``"slow"`` (``slow_seconds`` before forwarding), ``"drop"`` (the
connection is closed with no answer). Faults of a source that is not what it claims:
``"html"``, ``"not-json"``, ``"missing-field"`` (the first client lacks a field), ``"short"``
(a page one client short, though more follow), ``"per-page"`` (a page numbered with another page
size), ``"duplicate"`` (a client of the first page again). ``delay`` slows every request.
``vendor.log`` records ``(time, path and query, what was done)`` per request.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2 as httpx
import orjson


class FaultyVendor:
    def __init__(self, upstream: str, *, delay: float = 0.0, slow_seconds: float = 2.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.delay = delay
        self.slow_seconds = slow_seconds
        self.log: list[tuple[float, str, str]] = []
        self._plan: deque[str] = deque()
        self._first: Any = None
        self._lock = threading.Lock()
        vendor = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                vendor._serve(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        # A dropped connection is the point, not an error to print.
        self._server.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._http = httpx.Client(timeout=30)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="faulty-vendor")

    def plan(self, *faults: str) -> None:
        with self._lock:
            self._plan.extend(faults)

    def _next(self) -> str:
        with self._lock:
            return self._plan.popleft() if self._plan else "ok"

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        fault = self._next()
        self.log.append((time.monotonic(), request.path, fault))
        if self.delay:
            time.sleep(self.delay)
        if fault == "drop":
            request.connection.shutdown(socket.SHUT_RDWR)
            request.connection.close()
            request.close_connection = True
            return
        if fault in ("429", "500"):
            headers = {"Retry-After": "1"} if fault == "429" else {}
            return _reply(request, int(fault), b'{"message": "later"}', headers)
        if fault == "html":
            return _reply(request, 200, b"<html><body>Welcome</body></html>",
                          {"Content-Type": "text/html"})
        if fault == "slow":
            time.sleep(self.slow_seconds)
        upstream = self._http.get(f"{self.upstream}{request.path}",
                                  headers={"Authorization": request.headers["Authorization"]})
        body = upstream.content
        if upstream.status_code == 200 and fault not in ("ok", "slow"):
            body = self._spoil(fault, orjson.loads(body))
        elif upstream.status_code == 200 and self._first is None:
            items = _items(orjson.loads(body))
            self._first = items[0] if items else None
        _reply(request, upstream.status_code, body,
               {"Content-Type": upstream.headers.get("content-type", "application/json")})

    def _spoil(self, fault: str, body: Any) -> bytes:
        if fault == "not-json":
            return orjson.dumps(body)[:-7]
        items = _items(body)
        if fault == "missing-field":
            items[0].pop(next(iter(items[0])))
        elif fault == "short":
            items.pop()
        elif fault == "duplicate":
            items[-1] = self._first
        elif fault == "per-page":
            body["meta"]["per_page"] = 7
        return orjson.dumps(body)

    def __enter__(self) -> FaultyVendor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()


def _items(body: Any) -> list[Any]:
    return body if isinstance(body, list) else body["data"]


def _reply(request: BaseHTTPRequestHandler, status: int, body: bytes,
           headers: dict[str, str]) -> None:
    request.send_response(status)
    for name, value in {"Content-Type": "application/json", **headers}.items():
        request.send_header(name, value)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)
