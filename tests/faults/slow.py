"""Clients that misbehave on the wire: one that declares more body than it sends, one that hangs
up half-way. Raw sockets, so nothing in between completes the request for them."""

from __future__ import annotations

import socket
import struct
from urllib.parse import urlsplit


def send_partial(url: str, path: str, headers: dict[str, str], declared: int, sent: bytes,
                 *, wait: float | None, hang_up: bool = False) -> bytes:
    """POST ``path`` declaring ``declared`` body bytes, send only ``sent``; then read the answer
    for up to ``wait`` seconds (``b""`` if none came), or with ``hang_up`` close at once."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait or 5) as sock:
        head = [f"POST {path} HTTP/1.1", f"Host: {parts.hostname}",
                f"Content-Length: {declared}", "Content-Type: application/json",
                *(f"{k}: {v}" for k, v in headers.items()), "", ""]
        sock.sendall("\r\n".join(head).encode() + sent)
        if hang_up:
            return b""
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
                if b"\r\n\r\n" in answer:
                    break
        except TimeoutError:
            pass
        return answer


def hang_up_after(url: str, path: str, headers: dict[str, str], received: int) -> int:
    """GET ``path`` and hang up (a reset, as a client killed half-way) once ``received`` bytes
    of the answer came; how many did."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        head = [f"GET {path} HTTP/1.1", f"Host: {parts.hostname}",
                *(f"{k}: {v}" for k, v in headers.items()), "", ""]
        sock.sendall("\r\n".join(head).encode())
        got = 0
        while got < received and (chunk := sock.recv(65536)):
            got += len(chunk)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        return got
