"""The gateway's upkeep (``gateway.upkeep``): on PostgreSQL it folds the kept counts' changes
into their groups while it runs, and a fold that fails is logged once and tried again; on SQLite
it writes the search entries of the clients created or renamed, and copies the WAL into the
database file."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
import time

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from core import migrate
from core import models as m
from core.db import normalize_url
from core.scope import Scope
from core.store import Store
from gateway.app import create_app
from gateway.execution import Executor
from gateway.settings import Settings
from gateway.upkeep import Upkeep
from tests.conftest import make_tenant

d = m.client_count_changes.c


def changes(store: Store, tenant_id: int) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(m.client_count_changes)
                            .where(d.tenant_id == tenant_id)).scalar_one()


def pages(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_relation_size('client_count_changes')")
                            ).scalar_one() // 8192


def live(store: Store, database_url: str) -> TestClient:
    """A running gateway on ``store`` (its lifespan, and so its upkeep, runs in the block)."""
    app = create_app(Settings(database_url=database_url, key_cache_seconds=0), store=store)
    return TestClient(app)


def create(http: TestClient, tenant, titles: list[str]) -> None:
    for title in titles:
        made = http.post("/outlign/api/v1/clients", headers=tenant.headers,
                         json={"title": title, "company_id": tenant.workspace["id"]})
        assert made.status_code == 201, made.text


@pytest.fixture
def postgresql(backend):
    if backend != "postgresql":
        pytest.skip("changes are kept apart on PostgreSQL only (SQLite's triggers apply them)")


def test_a_running_gateway_folds_the_changes_its_creates_append(postgresql, database_url):
    store = Store.from_url(database_url, pool_size=2)
    try:
        tenant = make_tenant(store)
        with live(store, database_url) as http:
            create(http, tenant, [f"Folded {i}" for i in range(3)])
            deadline = time.monotonic() + 10
            while changes(store, tenant.id) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert changes(store, tenant.id) == 0
            while pages(store) and time.monotonic() < deadline:  # and swept away
                time.sleep(0.1)
            assert pages(store) == 0
            page = http.get("/fullengage/api/v1/clients", headers=tenant.headers,
                            params={"limit": 1})
            assert page.json()["total"] == 3
    finally:
        store.dispose()


def test_a_fold_that_fails_is_logged_once_and_tried_again(postgresql, database_url, caplog):
    """The groups' table locked elsewhere past the statement timeout: each fold fails, one
    warning says so; once the lock goes, the next fold folds."""
    store = Store.from_url(database_url, pool_size=2, statement_timeout=0.2)
    locker = sa.create_engine(normalize_url(database_url), poolclass=sa.pool.NullPool)
    try:
        tenant = make_tenant(store)
        upkeep = Upkeep(store, Executor(store, timeout=5), timeout=5, every=0.05)

        async def run() -> None:
            async with upkeep.running():
                await _until(lambda: upkeep.folded > 0)
                with locker.connect() as conn, conn.begin():
                    conn.exec_driver_sql("LOCK TABLE client_counts IN EXCLUSIVE MODE")
                    store.clients.create(Scope(tenant.id), {"name": "waits for the fold"})
                    before = upkeep.folded
                    await asyncio.sleep(1.0)
                    assert upkeep.folded == before
                    assert changes(store, tenant.id) == 1
                await _until(lambda: changes(store, tenant.id) == 0)

        with caplog.at_level(logging.WARNING, logger="clientgate"):
            asyncio.run(run())
        warnings = [r.getMessage() for r in caplog.records if "not folded" in r.getMessage()]
        assert len(warnings) == 1, warnings
        assert "totals stay exact" in warnings[0]
    finally:
        locker.dispose()
        store.dispose()


async def _until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.02)


@pytest.fixture
def sqlite(backend):
    if backend != "sqlite":
        pytest.skip("search entries and the WAL wait for the upkeep on SQLite only "
                    "(PostgreSQL keeps its trigram indexes and its WAL itself)")


def test_sqlite_folds_nothing(sqlite, store):
    assert store.counts.folds is False
    assert store.counts.fold() == 0


def test_a_running_gateway_writes_the_search_entries_of_its_creates(sqlite, database_url):
    store = Store.from_url(database_url, pool_size=2)
    try:
        tenant = make_tenant(store)
        with live(store, database_url) as http:
            create(http, tenant, [f"Indexed Later {i}" for i in range(3)])
            deadline = time.monotonic() + 10
            while store.search_index.pending() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert store.search_index.pending() == 0
            with store.engine.connect() as conn:
                entries = conn.exec_driver_sql(
                    "SELECT count(*) FROM client_search_rows r JOIN client_search s "
                    "ON s.rowid = r.id WHERE r.tenant_id = ?", (tenant.id,)).scalar()
            assert entries == 3
            page = http.get("/outlign/api/v1/clients", headers=tenant.headers,
                            params={"title": "later", "company_id": tenant.workspace["id"]})
            assert sorted(c["title"] for c in page.json()) == [
                f"Indexed Later {i}" for i in range(3)]
    finally:
        store.dispose()


def test_a_running_gateway_copies_the_wal_into_the_database_file(sqlite, tmp_path):
    """Creates stay in the WAL (far below the writers' own threshold) until the upkeep copies
    them: a copy of the database file alone, without its WAL, then holds them."""
    url = f"sqlite:///{tmp_path}/own.db"
    store = Store.from_url(url, pool_size=2)
    try:
        migrate.upgrade(store.engine)
        tenant = make_tenant(store)
        titles = [f"Copied {i}" for i in range(3)]

        def in_file_alone() -> list[str]:
            shutil.copyfile(tmp_path / "own.db", tmp_path / "alone.db")
            with sqlite3.connect(tmp_path / "alone.db") as alone:
                return sorted(name for (name,) in alone.execute(
                    "SELECT name FROM clients WHERE tenant_id = ?", (tenant.id,)))

        store.db.checkpoint()
        assert in_file_alone() == []
        with live(store, url) as http:
            create(http, tenant, titles)
            deadline = time.monotonic() + 10
            while in_file_alone() != titles and time.monotonic() < deadline:
                time.sleep(0.1)
            assert in_file_alone() == titles
            assert store.db.checkpoint() == 0  # nothing left to copy
    finally:
        store.dispose()


def test_stopping_waits_for_the_chore_under_way(sqlite, database_url):
    """The upkeep's batch waits on SQLite's write lock, held by another connection, when the
    gateway stops: leaving ``running()`` waits for the batch to finish instead of leaving its
    thread on connections about to be closed (closing one under a statement crashed the test
    process)."""
    import threading

    store = Store.from_url(database_url, pool_size=2)
    locker = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None,
                             check_same_thread=False)
    try:
        scope = Scope(make_tenant(store).id)
        for i in range(3):
            store.clients.create(scope, {"name": f"Written at the end {i}"})
        assert store.search_index.pending() >= 3
        upkeep = Upkeep(store, Executor(store, timeout=5), timeout=5, every=0.05)
        locker.execute("BEGIN IMMEDIATE")
        unlock = threading.Timer(0.5, lambda: locker.execute("ROLLBACK"))

        async def run() -> float:
            async with upkeep.running():
                await asyncio.sleep(0.1)  # the first batch is under way, waiting for the lock
                unlock.start()
                stopped = time.monotonic()
            return time.monotonic() - stopped

        waited = asyncio.run(run())
        assert store.search_index.pending() == 0  # the batch under way finished
        assert waited > 0.3
    finally:
        unlock.cancel()
        locker.close()
        store.dispose()
