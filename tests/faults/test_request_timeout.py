"""A request whose response has not started within CLIENTGATE_REQUEST_TIMEOUT is its dialect's
503, even while a store call could still wait longer; and what it was writing is not written
behind the client's back."""

from __future__ import annotations

import time

import httpx2 as httpx
import pytest

from tests.conftest import count_clients, make_tenant

from .locks import write_lock
from .process import GatewayProcess

pytestmark = pytest.mark.faults


def test_a_request_past_its_total_timeout_is_a_503_and_writes_nothing(database_url, store):
    kit = make_tenant(store, "total")
    body = {"title": "Too late", "company_id": kit.workspace["id"]}
    with GatewayProcess(database_url, request_timeout=1, db_call_timeout=8,
                        db_statement_timeout=8) as gw, \
            httpx.Client(base_url=gw.url, headers=kit.headers, timeout=30) as http:
        with write_lock(database_url):
            started = time.monotonic()
            r = http.post("/outlign/api/v1/clients", json=body)
            took = time.monotonic() - started
            time.sleep(0.5)
        assert (r.status_code, r.json()) == (503, {"message": "Service Unavailable"}), r.text
        assert took < 2.5 and r.headers["retry-after"]
        time.sleep(1.0)  # the abandoned write got the lock: it must roll back, not commit
        assert http.get("/outlign/api/v1/clients").status_code == 200
    assert count_clients(store, kit.id) == 0
