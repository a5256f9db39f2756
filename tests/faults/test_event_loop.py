"""No store call holds a worker's event loop: while the database is locked by another connection,
or busy with slow searches, the same worker answers ``/healthz`` within 50 ms. On SQLite, whose
calls are tried on the loop first (bounded), and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import httpx2 as httpx
import pytest

from core.incoming import Incoming
from tests.conftest import make_tenant

from .locks import write_lock
from .process import GatewayProcess

HEALTHY_WITHIN = 0.050


def health_latencies(url: str, count: int = 20, pause: float = 0.02) -> list[float]:
    seen = []
    with httpx.Client(timeout=5) as http:
        for _ in range(count):
            started = time.perf_counter()
            assert http.get(f"{url}/healthz").status_code == 200
            seen.append(time.perf_counter() - started)
            time.sleep(pause)
    return seen


def test_a_write_waiting_for_a_lock_leaves_the_loop_free(database_url, store):
    kit = make_tenant(store, "lock")
    body = {"title": "Waited", "company_id": kit.workspace["id"]}
    with GatewayProcess(database_url) as gw:
        with httpx.Client(base_url=gw.url, headers=kit.headers, timeout=30) as http:
            assert http.post("/outlign/api/v1/clients", json=body).status_code == 201  # warm
            answers: list[httpx.Response] = []
            with write_lock(database_url):
                writer = threading.Thread(
                    target=lambda: answers.append(http.post("/outlign/api/v1/clients", json=body)))
                writer.start()
                time.sleep(0.2)
                latencies = health_latencies(gw.url)
                assert writer.is_alive(), "the write did not wait for the lock"
            writer.join(30)
    assert max(latencies) < HEALTHY_WITHIN, latencies
    assert answers and answers[0].status_code == 201, answers


def test_slow_searches_leave_the_loop_free(database_url, store):
    kit = make_tenant(store, "slow")
    category = store.categories.list(kit.id)[0]["id"]
    _bulk(store, kit, category, 60_000)
    stop = threading.Event()

    def search_forever(http: httpx.Client) -> None:
        while not stop.is_set():
            r = http.get("/talynce/api/v1/clients", params={"search": "matches-nothing"})
            assert r.status_code == 200

    with GatewayProcess(database_url) as gw:
        clients = [httpx.Client(base_url=gw.url, headers=kit.headers, timeout=30)
                   for _ in range(8)]
        loops = [threading.Thread(target=search_forever, args=(c,)) for c in clients]
        try:
            for loop in loops:
                loop.start()
            time.sleep(0.5)
            latencies = health_latencies(gw.url)
        finally:
            stop.set()
            for loop in loops:
                loop.join(30)
            for c in clients:
                c.close()
    assert sorted(latencies)[-2] < HEALTHY_WITHIN, latencies


def _bulk(store, kit, category: int, count: int) -> None:
    stamp = datetime.now(UTC)
    store.imports.bulk(kit.id, (
        Incoming({"workspace_id": kit.workspace["id"], "category_id": category,
                  "name": f"Client {i:06d}", "email": f"c{i}@slow.example",
                  "created_at": stamp, "updated_at": stamp})
        for i in range(count)))


pytestmark = pytest.mark.faults
