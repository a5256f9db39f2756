"""A TCP proxy that can fail the way a network or a database server does.

``with FaultProxy(("127.0.0.1", 5432)) as proxy:`` listens on ``proxy.address`` and forwards to
the target. ``proxy.stall()`` stops moving bytes either way (a partition, or a server that hangs):
connections stay open, nothing arrives. ``proxy.drop()`` closes every connection and refuses new
ones (a server that went away); ``proxy.reset()`` aborts every connection with a TCP reset (a
restart), new ones are accepted again. ``proxy.heal()`` forwards again. Threads only: no event
loop to share with the code under test.
"""

from __future__ import annotations

import socket
import struct
import threading
import time


class FaultProxy:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.address = self._listener.getsockname()
        self._stalled = threading.Event()
        self._refusing = threading.Event()
        self._closed = threading.Event()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True, name="fault-proxy")

    @property
    def port(self) -> int:
        return self.address[1]

    # -- faults --------------------------------------------------------------------------------

    def stall(self) -> None:
        self._stalled.set()

    def heal(self) -> None:
        self._refusing.clear()
        self._stalled.clear()

    def drop(self) -> None:
        self._refusing.set()
        self._close_all(reset=False)

    def reset(self) -> None:
        self._close_all(reset=True)

    # -- plumbing ------------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._refusing.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._pairs.append((client, upstream))
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        src.settimeout(0.05)
        try:
            while not self._closed.is_set():
                if self._stalled.is_set():
                    time.sleep(0.02)
                    continue
                try:
                    data = src.recv(65536)
                except TimeoutError:
                    continue
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _close_all(self, *, reset: bool) -> None:
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for s in pair:
                if reset:  # SO_LINGER 0: close() sends RST instead of FIN
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                try:
                    s.close()
                except OSError:
                    pass

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed.set()
        self._listener.close()
        self._close_all(reset=False)
