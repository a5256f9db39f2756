"""A gateway in a process of its own, started the way ``clientgate serve`` starts a worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GatewayProcess:
    """``with GatewayProcess(url, db_calls="auto") as gw: httpx.get(gw.url + "/healthz")``.

    Settings are given by name (``CLIENTGATE_<NAME>``); the process logs to ``log`` (a file the
    test can read back), and is stopped (SIGTERM, then SIGKILL) when the block ends."""

    def __init__(self, database_url: str, *, log: Path | None = None, access_log: bool = False,
                 **settings: Any) -> None:
        self.access_log = access_log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "CLIENTGATE_DATABASE_URL": database_url,
                    "CLIENTGATE_KEY_CACHE_SECONDS": "0", "CLIENTGATE_LOG_LEVEL": "warning",
                    "CLIENTGATE_DRAIN_SECONDS": "0",  # a test stops at once unless it asks
                    **{f"CLIENTGATE_{k.upper()}": str(v) for k, v in settings.items()}}
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> GatewayProcess:
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "gateway.app:app_from_env", "--factory",
             "--http", "gateway.protocol:HeaderTimeoutProtocol",
             "--host", "127.0.0.1", "--port", str(self.port),
             "--access-log" if self.access_log else "--no-access-log",
             "--log-level", "info" if self.access_log else "warning"],
            cwd=ROOT, env=self.env, stdout=out, stderr=out)
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=1).read()
                return self
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"the gateway did not start (exit {self.proc.returncode})") from None
                time.sleep(0.05)

    def signal(self, sig: int) -> None:
        assert self.proc is not None
        self.proc.send_signal(sig)

    def kill(self) -> None:
        """SIGKILL: the process ends at once, as in a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> GatewayProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
