"""Shared fixtures: every storage test runs once on SQLite and once on PostgreSQL.

PostgreSQL is reached at ``CLIENTGATE_TEST_POSTGRES_URL`` (default: the local server's ``test``
database). Each test session creates a database of its own there and drops it at the end, so runs
never see each other's rows. Where no server answers, the PostgreSQL half skips with the reason,
unless ``CLIENTGATE_REQUIRE_POSTGRES=1`` (CI), where it fails instead.

Tests are isolated from each other by tenant: the ``tenant`` fixture makes a new one per test.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from core import migrate, numbering
from core.db import create_engine, normalize_url
from core.store import Store
from gateway.app import create_app
from gateway.settings import Settings

POSTGRES_URL = os.environ.get(
    "CLIENTGATE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("CLIENTGATE_REQUIRE_POSTGRES") == "1"
BACKENDS = ("sqlite", "postgresql")


def _postgres_database(tmp_name: str) -> tuple[str, sa.Engine]:
    admin_url = normalize_url(POSTGRES_URL)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{tmp_name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL not reachable at {admin_url.render_as_string()}: {exc.orig}"
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason} (CLIENTGATE_REQUIRE_POSTGRES=1)", pytrace=False)
        pytest.skip(reason)
    return admin_url.set(database=tmp_name).render_as_string(hide_password=False), admin


@contextmanager
def empty_database(backend: str, directory: Path) -> Iterator[str]:
    """The URL of a new database with no schema: a file in ``directory`` for SQLite, a database
    of its own on the PostgreSQL server (dropped on exit)."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'clientgate.db'}"
        return
    name = f"clientgate_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    url, admin = _postgres_database(name)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[str]:
    """A migrated, empty database for this test session, on each backend in turn."""
    with empty_database(request.param, tmp_path_factory.mktemp(request.param)) as url:
        engine = create_engine(url, pool_size=1)
        migrate.upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def store(database_url: str) -> Iterator[Store]:
    s = Store.from_url(database_url, pool_size=4)
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def backend(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


_names = itertools.count(1)


@dataclass
class TenantKit:
    """A fresh tenant with a default workspace, a second workspace and keys for each."""

    store: Store
    id: int
    name: str
    workspace: dict
    other_workspace: dict
    key: str
    limited_key: str  # may use ``workspace`` only
    extra: dict = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    @property
    def limited_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.limited_key}"}


def make_tenant(store: Store, label: str = "t", *, ids_from: int | None = None) -> TenantKit:
    """A tenant; with ``ids_from``, every id it gives after its default workspace and category
    starts there (so its clients, users and second workspace hold ids another test tenant
    does not have)."""
    name = f"{label}-{next(_names)}-{uuid.uuid4().hex[:6]}"
    tenant = store.tenants.create(name, workspace_slug="main", workspace_name="Main")
    if ids_from is not None:
        with store.db.write() as s:
            for kind in numbering.KINDS:
                numbering.keep(s, tenant["id"], kind, ids_from - 1)
    main = next(w for w in store.workspaces.list(tenant["id"]) if w["slug"] == "main")
    other = store.workspaces.create(tenant["id"], "other", "Other")
    _, key = store.keys.create(tenant["id"], name="tests")
    _, limited = store.keys.create(tenant["id"], workspace_id=main["id"], name="limited")
    return TenantKit(store, tenant["id"], name, main, other, key, limited)


@pytest.fixture
def tenant(store: Store) -> TenantKit:
    return make_tenant(store)


@pytest.fixture
def other_tenant(store: Store) -> TenantKit:
    """Another tenant. Ids are per tenant, so it has a client 1 of its own when ``tenant`` has
    one; its ids start at 10,000, so that an id of its own which ``tenant`` lacks is at hand."""
    return make_tenant(store, "other", ids_from=10_000)


@pytest.fixture(scope="session")
def app(database_url: str, store: Store):
    settings = Settings(database_url=database_url, key_cache_seconds=0)
    return create_app(settings, store=store)


@pytest.fixture(scope="session")
def client(app) -> Iterator[TestClient]:
    # raise_server_exceptions=False: a 500 must be seen as the response a client would get.
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def count_clients(store: Store, tenant_id: int) -> int:
    """Rows the tenant has, read straight from the table: the 'nothing was written' check."""
    from core import models as m

    with store.engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).select_from(m.clients).where(m.clients.c.tenant_id == tenant_id)
        ).scalar_one()
