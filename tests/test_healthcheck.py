"""The container's liveness probe (``python -m gateway.healthcheck``) asks the port the gateway
was given, and fails when that port has no gateway, whatever answers elsewhere."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading

from tests.faults.process import GatewayProcess, free_port


def probe(port: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gateway.healthcheck"], capture_output=True,
                          text=True, timeout=20, env={**os.environ, "CLIENTGATE_PORT": str(port)})


def test_the_probe_asks_the_configured_port(database_url):
    with GatewayProcess(database_url) as gw:
        assert probe(gw.port).returncode == 0
    down = probe(gw.port)
    assert down.returncode == 1 and down.stderr.startswith("unhealthy:")


def test_another_server_on_the_port_is_not_healthy():
    class NotUs(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", free_port()), NotUs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert probe(server.server_address[1]).returncode == 1
    finally:
        server.shutdown()
