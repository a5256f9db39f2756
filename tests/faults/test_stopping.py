"""A stop, as an orchestrator makes one: on SIGTERM readiness turns 503 first while the instance
still serves, the request in flight finishes, then new connections are refused and the process
exits cleanly. And a client that never finishes its headers is cut off."""

from __future__ import annotations

import signal
import socket
import threading
import time

import httpx2 as httpx
import pytest

from tests.conftest import count_clients, make_tenant

from .locks import write_lock
from .process import GatewayProcess

pytestmark = pytest.mark.faults


def test_sigterm_drains_then_stops(database_url, store, tmp_path):
    kit = make_tenant(store, "drain")
    body = {"title": "In flight", "company_id": kit.workspace["id"]}
    gw = GatewayProcess(database_url, log=tmp_path / "gateway.log", drain_seconds=1.5).start()
    answers: list[int] = []
    try:
        with httpx.Client(base_url=gw.url, timeout=30) as http:
            assert http.get("/readyz").status_code == 200
            with write_lock(database_url):
                flight = threading.Thread(target=lambda: answers.append(
                    http.post("/outlign/api/v1/clients", json=body,
                              headers=kit.headers).status_code))
                flight.start()
                time.sleep(0.3)
                gw.signal(signal.SIGTERM)
                time.sleep(0.3)
                ready = http.get("/readyz")
                assert (ready.status_code, ready.json()["reason"]) == (503, "shutting down")
                assert http.get("/healthz").status_code == 200  # still serving
            flight.join(30)
            assert answers == [201]
            # uvicorn ends by re-raising the signal it stopped for, as a process killed by it would.
            assert gw.proc.wait(20) in (0, -signal.SIGTERM)
    finally:
        gw.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{gw.url}/healthz", timeout=2)
    assert "SIGTERM: not ready" in (tmp_path / "gateway.log").read_text()


def test_headers_that_never_finish_are_cut_off(database_url):
    with GatewayProcess(database_url, request_header_timeout=1) as gw, \
            socket.create_connection(("127.0.0.1", gw.port), timeout=5) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        started = time.monotonic()
        answer = sock.recv(1024)
        assert answer.startswith(b"HTTP/1.1 408")
        assert 0.8 < time.monotonic() - started < 3
        assert sock.recv(1024) == b""  # and closed
        with httpx.Client(timeout=5) as http:  # an ordinary client is not affected
            assert http.get(f"{gw.url}/healthz").status_code == 200


def test_a_stop_with_a_store_call_still_waiting_is_clean(backend, database_url, store, tmp_path):
    """A create that timed out (503) is still waiting in the database for its write lock when
    the gateway stops. The store is closed under it: the call must fail on its own, not crash
    the process (SQLite: closing a connection under a running statement frees what the
    statement uses) and not write after its 503."""
    kit = make_tenant(store, "abandoned")
    body = {"title": "Answered 503", "company_id": kit.workspace["id"]}
    log = tmp_path / "gateway.log"
    gw = GatewayProcess(database_url, log=log, db_call_timeout=0.5).start()
    try:
        with write_lock(database_url), httpx.Client(base_url=gw.url, timeout=30) as http:
            answer = http.post("/outlign/api/v1/clients", json=body, headers=kit.headers)
            assert answer.status_code == 503, answer.text
            gw.signal(signal.SIGTERM)  # the create's thread still waits for the lock
            code = gw.proc.wait(20)
        assert code in (0, -signal.SIGTERM), code
    finally:
        gw.stop()
    text = log.read_text()
    assert "Fatal Python error" not in text and "Traceback" not in text, text
    assert count_clients(store, kit.id) == 0

