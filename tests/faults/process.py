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
                 workers: int | None = None, **settings: Any) -> None:
        """``workers``: run ``clientgate serve --workers N`` (its process supervisor, its log
        configuration) rather than uvicorn on the app factory."""
        self.access_log = access_log
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "CLIENTGATE_DATABASE_URL": database_url,
                    "CLIENTGATE_KEY_CACHE_SECONDS": "0",
                    "CLIENTGATE_DRAIN_SECONDS": "0",  # a test stops at once unless it asks
                    "CLIENTGATE_ACCESS_LOG": str(access_log),
                    "CLIENTGATE_LOG_LEVEL": "info" if access_log else "warning",
                    **{f"CLIENTGATE_{k.upper()}": str(v) for k, v in settings.items()}}
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> GatewayProcess:
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        if self.workers is not None:
            command = [sys.executable, "-m", "gateway.cli", "serve", "--host", "127.0.0.1",
                       "--port", str(self.port), "--workers", str(self.workers)]
        else:
            command = [sys.executable, "-m", "uvicorn", "gateway.app:app_from_env", "--factory",
                       "--http", "gateway.protocol:HeaderTimeoutProtocol",
                       "--host", "127.0.0.1", "--port", str(self.port),
                       "--no-access-log",  # the gateway writes its own (CLIENTGATE_ACCESS_LOG)
                       "--log-level", "info" if self.access_log else "warning"]
        self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out, stderr=out)
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
