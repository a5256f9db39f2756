"""Several gateway instances on one database, as behind a load balancer: concurrent writes through
any of them all land with ids that never collide, a unique email is taken exactly once, every
instance sees every write at once, and instances starting together migrate the schema once.
On SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from core import migrate
from tests.conftest import count_clients, empty_database
from tests.live import LiveServer, serve

WRITES = 40
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def instances(database_url: str) -> Iterator[list[LiveServer]]:
    """Two gateways, each with its own store (connections, caches), on the same database."""
    running = [serve(database_url) for _ in range(2)]
    try:
        yield [next(server) for server in running]
    finally:
        for server in running:
            server.close()


def send_all(requests: list[tuple[str, str, dict]], headers: dict) -> list[httpx.Response]:
    """Every (method, url, json) at once, eight at a time, each on a connection of its own."""
    def send(request: tuple[str, str, dict]) -> httpx.Response:
        method, url, body = request
        return httpx.request(method, url, json=body, headers=headers, timeout=30)

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(send, requests))


def test_concurrent_creates_through_two_instances_all_land(instances, tenant):
    requests = [("POST", f"{instances[i % 2].url}/outlign/api/v1/clients",
                 {"title": f"Client {i}", "company_id": tenant.workspace["id"]})
                for i in range(WRITES)]

    responses = send_all(requests, tenant.headers)

    assert [r.status_code for r in responses] == [201] * WRITES
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == WRITES
    for instance in instances:
        listed = httpx.get(f"{instance.url}/outlign/api/v1/clients",
                           params={"per_page": 1000}, headers=tenant.headers)
        assert {c["id"] for c in listed.json()} == ids
    assert count_clients(tenant.store, tenant.id) == WRITES


def test_an_email_is_taken_once_whichever_instance_gets_there_first(instances, tenant):
    body = {"first_name": "Ann", "last_name": "Lee", "email": f"ann-{uuid.uuid4().hex}@example.com"}
    requests = [("POST", f"{instances[i % 2].url}/growcrm/api/clients", body) for i in range(8)]

    responses = send_all(requests, tenant.headers)

    assert sorted(r.status_code for r in responses) == [201] + [422] * 7
    assert all(r.json() == {"message": "The given data was invalid.",
                            "errors": {"email": ["The email has already been taken."]}}
               for r in responses if r.status_code == 422)
    assert count_clients(tenant.store, tenant.id) == 1


def test_concurrent_updates_of_one_client_leave_one_of_them_whole(instances, tenant):
    """Each update writes name and notes together; afterwards both come from the same request."""
    made = httpx.post(f"{instances[0].url}/talynce/api/v1/clients", json={"name": "Start"},
                      headers=tenant.headers).json()["data"]
    url = "{}/talynce/api/v1/clients/" + made["id"]
    requests = [("PUT", url.format(instances[i % 2].url), {"name": f"N{i}", "notes": f"N{i}"})
                for i in range(WRITES)]

    responses = send_all(requests, tenant.headers)

    assert [r.status_code for r in responses] == [200] * WRITES
    for instance in instances:
        final = httpx.get(url.format(instance.url), headers=tenant.headers).json()["data"]
        assert final["name"] == final["notes"] and final["name"] in {f"N{i}" for i in range(WRITES)}


@pytest.fixture
def new_database(backend: str, tmp_path) -> Iterator[str]:
    with empty_database(backend, tmp_path) as url:
        yield url


# An instance's start-up migration, begun at a given moment so that all of them overlap.
MIGRATE_AT = """
import sys, time
from core import migrate
from core.db import create_engine
engine = create_engine(sys.argv[1], pool_size=1)
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
migrate.upgrade(engine)
print(migrate.current(engine))
"""


@pytest.mark.parametrize("attempt", range(2))
def test_instances_starting_together_migrate_once(new_database, attempt):
    """Four processes migrating a new database at the same moment all succeed. On SQLite this
    once failed with "database is locked" (switching a new file to WAL, and reading the schema
    version before taking the write lock)."""
    at = str(time.time() + 1.5)
    processes = [subprocess.Popen([sys.executable, "-c", MIGRATE_AT, new_database, at],
                                  cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
                 for _ in range(4)]
    results = [p.communicate(timeout=60) for p in processes]

    assert [(p.returncode, err.strip().splitlines()[-1:]) for p, (_, err) in
            zip(processes, results, strict=True)] == [(0, [])] * 4
    assert [out.strip() for out, _ in results] == [migrate.head()] * 4
