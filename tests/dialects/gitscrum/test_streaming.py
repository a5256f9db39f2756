"""The list "returns all clients in the workspace": large workspaces are streamed a batch at a
time, complete, in order and as valid JSON, and a batch read never blocks the event loop."""

from __future__ import annotations

import itertools
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

import anyio
import httpx2 as httpx
import orjson
import pytest

from core.incoming import Incoming
from dialects.gitscrum import routes
from tests.live import serve

from .common import FIELDS, LIST, make

SIZE = 3_000


def bulk_insert(tenant, workspace: dict, count: int, prefix: str) -> list[str]:
    """``count`` clients straight into the table, oldest first; their names, in id order."""
    category = next(c["id"] for c in tenant.store.categories.list(tenant.id) if c["is_default"])
    start = datetime(2025, 6, 15, 10, 0, tzinfo=UTC)
    names = [f"{prefix} {i:05d}" for i in range(count)]
    tenant.store.imports.bulk(tenant.id, (
        Incoming({"workspace_id": workspace["id"], "category_id": category, "name": name,
                  "created_at": start + timedelta(seconds=i),
                  "updated_at": start + timedelta(seconds=i)})
        for i, name in enumerate(names)))
    return names


@pytest.fixture
def big(tenant, other_tenant) -> list[str]:
    """A workspace of SIZE clients, with neighbours in another workspace and another tenant."""
    names = bulk_insert(tenant, tenant.workspace, SIZE, "Client")
    bulk_insert(tenant, tenant.other_workspace, 50, "Other workspace")
    bulk_insert(other_tenant, other_tenant.workspace, 50, "Other tenant")
    return names


@pytest.fixture
def batches(store, monkeypatch) -> list[int]:
    """How many clients every batch the list reads from the store holds, in the order the
    reads end (``next``'s and ``take``'s alike)."""
    from core.streaming import Documents

    sizes: list[int] = []
    read = Documents._read

    def counted(self, *args, **kwargs):
        found = read(self, *args, **kwargs)
        sizes.append(found[1])
        return found

    monkeypatch.setattr(Documents, "_read", counted)
    return sizes


@pytest.fixture
def small_batches(monkeypatch) -> int:
    """The list's batches made small, so that a workspace of SIZE is many of them."""
    monkeypatch.setattr(routes.PAGING, "batch", 250)
    return routes.PAGING.batch


def test_a_large_workspace_is_listed_whole_in_order_in_bounded_batches(
        client, tenant, big, batches):
    r = client.get(LIST, params={"company_slug": "main"}, headers=tenant.headers)

    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert "content-length" not in r.headers  # streamed, not rendered whole
    data = orjson.loads(r.content)["data"]
    assert [c["name"] for c in data] == big
    assert len({c["uuid"] for c in data}) == SIZE
    assert all(set(c) == FIELDS for c in data)
    assert data[1]["created_at"] == "2025-06-15T10:00:01Z"
    full, rest = divmod(SIZE, routes.PAGING.batch)
    assert full >= 1
    assert batches == [routes.PAGING.batch] * full + ([rest] if rest else [])


def test_a_workspace_of_exactly_one_batch_and_one_more(client, tenant, batches):
    names = bulk_insert(tenant, tenant.workspace, routes.PAGING.batch + 1, "C")
    r = client.get(LIST, params={"company_slug": "main"}, headers=tenant.headers)
    assert [c["name"] for c in r.json()["data"]] == names
    assert batches == [routes.PAGING.batch, 1]


def test_a_small_workspace_is_one_plain_response(client, tenant, batches):
    made = [make(client, tenant, f"Small {i}") for i in range(3)]
    r = client.get(LIST, params={"company_slug": "main"}, headers=tenant.headers)
    assert r.json() == {"data": made}
    assert r.headers["content-length"] == str(len(r.content))
    assert batches == [3]


def test_an_empty_workspace_is_an_empty_list(client, tenant):
    r = client.get(LIST, params={"company_slug": "other"}, headers=tenant.headers)
    assert (r.status_code, r.content) == (200, b'{"data":[]}')


def test_streamed_over_http_as_chunks(live_server, tenant, big):
    url = f"{live_server.url}{LIST}"
    chunks = 0
    body = bytearray()
    with httpx.stream("GET", url, params={"company_slug": "main"}, headers=tenant.headers,
                      timeout=30) as r:
        assert r.status_code == 200
        assert r.headers["transfer-encoding"] == "chunked"
        for chunk in r.iter_raw():
            chunks += 1
            body += chunk
    assert chunks > 1
    assert [c["name"] for c in orjson.loads(bytes(body))["data"]] == big


def test_batch_reads_run_off_the_event_loop(database_url, tenant, big, monkeypatch):
    """With store calls in threads (PostgreSQL's default), a slow batch read leaves the server
    free to answer other requests meanwhile."""
    from core.streaming import Batches

    read = Batches.next
    calls = itertools.count()

    def slow(self):
        if next(calls) == 1:
            time.sleep(1.0)  # the second read is slow
        return read(self)

    monkeypatch.setattr(Batches, "next", slow)
    server = serve(database_url, db_calls="threads")
    live = next(server)
    try:
        listing = threading.Thread(target=httpx.get, args=(f"{live.url}{LIST}",),
                                   kwargs={"params": {"company_slug": "main"},
                                           "headers": tenant.headers, "timeout": 30})
        listing.start()
        time.sleep(0.3)
        started = time.monotonic()
        assert httpx.get(f"{live.url}/healthz", timeout=5).status_code == 200
        assert time.monotonic() - started < 0.5
        assert listing.is_alive()  # the list was still being read
        listing.join(30)
    finally:
        server.close()


def test_batches_ahead_are_read_as_many_at_once_as_the_backend_gains_from(
        backend, database_url, tenant, big, small_batches, monkeypatch):
    """With store calls in threads, PostgreSQL reads several batches at the same time (each on
    a connection of its own), SQLite one; the answer is every client once, in id order."""
    from core.streaming import AT_ONCE, Batches

    take = Batches.take
    lock = threading.Lock()
    under_way = []
    most = 0

    def slow(self, span):
        nonlocal most
        with lock:
            under_way.append(span)
            most = max(most, len(under_way))
        try:
            time.sleep(0.02)  # long enough for the next read to start meanwhile
            return take(self, span)
        finally:
            with lock:
                under_way.remove(span)

    monkeypatch.setattr(Batches, "take", slow)
    server = serve(database_url, db_calls="threads")
    live = next(server)
    try:
        r = httpx.get(f"{live.url}{LIST}", params={"company_slug": "main"},
                      headers=tenant.headers, timeout=30)
    finally:
        server.close()
    assert r.status_code == 200
    assert [c["name"] for c in orjson.loads(r.content)["data"]] == big
    assert most == AT_ONCE[backend]
    assert AT_ONCE["postgresql"] > 1  # so that the PostgreSQL run reads several at once


def test_streams_at_once_share_a_quarter_of_the_pool_for_their_reads_ahead(
        backend, database_url, tenant, big, small_batches, monkeypatch):
    """Three whole-workspace lists at once, on a pool of four: each reads one batch at a time
    plus what the store's spare connections allow between them (a quarter of the pool: one),
    so the lists never hold more reads than that, and each answer is whole."""
    from core.streaming import AT_ONCE, SPARE_SHARE, Batches

    take = Batches.take
    lock = threading.Lock()
    under_way = 0
    most = 0

    def slow(self, span):
        nonlocal under_way, most
        with lock:
            under_way += 1
            most = max(most, under_way)
        try:
            time.sleep(0.02)
            return take(self, span)
        finally:
            with lock:
                under_way -= 1

    monkeypatch.setattr(Batches, "take", slow)
    pool = 4
    server = serve(database_url, db_calls="threads", pool_size=pool)
    live = next(server)
    answers: list[list[str]] = []

    def listing() -> None:
        r = httpx.get(f"{live.url}{LIST}", params={"company_slug": "main"},
                      headers=tenant.headers, timeout=60)
        answers.append([c["name"] for c in orjson.loads(r.content)["data"]])

    spare = pool // SPARE_SHARE if backend == "postgresql" else 0
    try:
        threads = [threading.Thread(target=listing) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert answers == [big] * 3
        assert 3 <= most <= 3 + spare  # the three overlapped, and no more than that read at once
        most = 0
        listing()  # alone again: the spares came back
        assert answers[-1] == big
        assert most == min(AT_ONCE[backend], 1 + spare)
    finally:
        server.close()


def test_memory_stays_flat_as_the_workspace_grows(app, tenant, big, small_batches, batches):
    """Twice the clients, about the same peak memory: a few batches are held at a time."""
    bulk_insert(tenant, tenant.other_workspace, 2 * SIZE, "Twice")
    drain(app, "main", tenant)  # compile and cache the statements first
    peaks = {slug: peak_memory(app, slug, tenant) for slug in ("main", "other")}
    assert max(batches) == small_batches  # each workspace is many batches
    assert peaks["other"] < 1.5 * peaks["main"], peaks


def peak_memory(app, slug: str, tenant) -> int:
    tracemalloc.start()
    try:
        assert drain(app, slug, tenant) > SIZE * 100
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def drain(app, slug: str, tenant) -> int:
    """GET the list straight through the ASGI app, counting the body's bytes and keeping none."""
    received = 0

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        nonlocal received
        if message["type"] == "http.response.start":
            assert message["status"] == 200
        else:
            received += len(message.get("body", b""))

    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
        "method": "GET", "scheme": "http", "path": LIST, "raw_path": LIST.encode(),
        "root_path": "", "query_string": f"company_slug={slug}".encode(),
        "headers": [(b"authorization", tenant.headers["Authorization"].encode())],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }
    anyio.run(app, scope, receive, send)
    return received
