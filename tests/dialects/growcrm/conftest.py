"""Grow CRM fixtures: the seed's world, where every id its examples name exists.

The seed's examples name client 12, category 2 and user 34. ``seed_world`` builds, once per
backend, a database where they are exactly the seed's: tenant 1 has category 2 "Standard" and
client 12 "Acme Inc" as "The client object" shows it (created at the seed's timestamp), whose
users are 33 (its first owner) and 34 "Jane Doe" (its owner now); the tenant's counters start
there. ``seed_server`` serves a fresh copy of it per test, so the curl and PHP examples run
unchanged but for base URL and API key.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import pytest
import sqlalchemy as sa

from core import migrate, numbering
from core.db import create_engine
from core.people import Person
from core.scope import Scope
from core.store import Store
from tests.conftest import _postgres_database
from tests.live import serve

from .common import SEED_CLIENT

SEED_TIME = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
SEED_BASE = "https://your-domain"
SEED_KEY = "YOUR_API_KEY"


def build_world(store: Store) -> str:
    """Write the seed's world into an empty database; returns tenant 1's API key."""
    seed = SEED_CLIENT
    # Every client timestamp is taken where a client is written or touched.
    with mock.patch("core.clients.now", lambda: SEED_TIME), \
            mock.patch("core.client_rows.now", lambda: SEED_TIME):
        tenant = store.tenants.create("growcrm-seed")
        standard = store.categories.create(tenant["id"], "Standard")
        _, key = store.keys.create(tenant["id"], name="seed examples")
        # The seed's ids are the tenant's own: move its counters to them, as an import does.
        with store.db.write() as s:
            numbering.keep(s, tenant["id"], "client", 11)
            numbering.keep(s, tenant["id"], "user", 32)
        scope = Scope(tenant["id"])
        values = {"name": seed["company_name"], "category_id": standard["id"],
                  **{k: seed[k] for k in ("description", "phone", "website", "vat")},
                  **{f"billing_{k}": v for k, v in seed["billing"].items()}}
        values["billing_invoice_due_days"] = int(values.pop("billing_invoice_due_days"))
        acme = store.clients.create(scope, values, tags=seed["tags"], custom_values={},
                                    primary_user=Person("John", "Roe", "john@acme.example"))
        jane = store.users.create(scope, client_id=acme["id"], first_name="Jane",
                                  last_name="Doe", email="jane.doe@acme.example")
        store.clients.set_owner(scope, jane["id"], id=acme["id"])
    assert (tenant["id"], standard["id"], acme["id"], jane["id"]) == (1, 2, 12, 34)
    return key


@dataclass
class World:
    """The seed's world, built once; ``copy()`` gives a fresh database holding it."""

    backend: str
    template: str  # SQLite: a file; PostgreSQL: a database name
    key: str
    admin: sa.Engine | None = None
    base_url: str = ""

    @contextmanager
    def copy(self) -> Iterator[str]:
        name = f"growcrm_world_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        if self.admin is None:
            path = Path(self.template).with_name(f"{name}.db")
            with sqlite3.connect(self.template) as src, sqlite3.connect(path) as dst:
                src.backup(dst)
            yield f"sqlite:///{path}"
            return
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        try:
            yield sa.make_url(self.base_url).set(database=name).render_as_string(
                hide_password=False)
        finally:
            with self.admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _build(url: str) -> str:
    engine = create_engine(url, pool_size=1)
    migrate.upgrade(engine)
    engine.dispose()
    store = Store.from_url(url, pool_size=1)
    try:
        return build_world(store)
    finally:
        store.dispose()


@pytest.fixture(scope="session")
def seed_world(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("growcrm-world") / "world.db"
        yield World(backend, str(path), _build(f"sqlite:///{path}"))
        return
    name = f"growcrm_world_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    url, admin = _postgres_database(name)
    try:
        yield World(backend, name, _build(url), admin, url)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@dataclass
class SeedServer:
    """A live gateway on a fresh copy of the seed's world."""

    url: str
    key: str
    store: Store  # the same database, for checking what an example did

    @property
    def replace(self) -> dict[str, str]:
        """What an example needs substituted: its base URL and its API key placeholder."""
        return {SEED_BASE: f"{self.url}/growcrm", SEED_KEY: self.key}

    @property
    def scope(self) -> Scope:
        return Scope(1)

    def client(self, client_id: int = 12) -> dict:
        return self.store.clients.get(self.scope, id=client_id)


@pytest.fixture
def seed_server(seed_world: World) -> Iterator[SeedServer]:
    with seed_world.copy() as url, contextmanager(serve)(url) as live:
        store = Store.from_url(url, pool_size=1)
        try:
            yield SeedServer(live.url, seed_world.key, store)
        finally:
            store.dispose()
