"""A migration as it really happens: a gateway full of clients plays the vendor, and another,
empty, imports from it through a dialect; then the integration's own requests, by the ids it
holds, are sent to both and must be answered alike. On SQLite and on PostgreSQL.

``source`` is the vendor: a database filled with ``SIZE`` clients in each of two tenants, across
three workspaces and two categories, with tags, owners, metadata and a few deleted ids, served
over real HTTP. ``destination()`` gives an empty migrated database with one tenant.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from core import migrate
from core.incoming import Incoming, Person
from core.scope import Scope
from core.store import Store
from gateway.app import create_app
from gateway.cli import main
from gateway.settings import Settings
from tests.conftest import empty_database
from tests.live import serve

SIZE = 1200
START = datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


@dataclass
class Tenant:
    id: int
    name: str
    key: str
    slugs: list[str]
    categories: list[int]


@dataclass
class Source:
    url: str
    database_url: str
    tenants: list[Tenant]


def fill(store: Store, name: str, size: int = SIZE) -> Tenant:
    """A tenant like a vendor's account: ``size`` clients over three workspaces and two
    categories, a third of them with an owner, and every tenth one deleted (a gap in the ids)."""
    tenant = store.tenants.create(name, workspace_slug="main", workspace_name="Main")
    tid = tenant["id"]
    slugs = ["main", "north", "south"]
    workspaces = [store.workspaces.list(tid)[0]["id"]]
    workspaces += [store.workspaces.create(tid, s, s.title())["id"] for s in slugs[1:]]
    categories = [store.categories.list(tid)[0]["id"]]
    categories += [store.categories.create(tid, n)["id"] for n in ("Standard", "VIP")]
    records = []
    for i in range(size):
        stamp = START + timedelta(seconds=i, microseconds=i)
        records.append(Incoming({
            "name": f"{name} client {i:05d}", "status": "inactive" if i % 7 == 0 else "active",
            "email": f"c{i}@{name}.example", "phone": f"+1 555 {i:04d}",
            "website": f"https://c{i}.example", "address": f"{i} Main St",
            "contact_person": f"Person {i}", "industry": ["Retail", "Energy", "Health"][i % 3],
            "notes": f"note {i}" if i % 2 else None, "description": f"about {i}",
            "vat": f"VAT{i}", "billing_city": "Lyon", "billing_invoice_due_days": i % 60,
            "metadata": {"n": i, "tier": ["a", "b"][i % 2]}, "projects_count": i % 4,
            "jobs_count": i % 5, "active_jobs_count": i % 3,
            "invoices_total": Decimal(i) / 4,
            "workspace_id": workspaces[i % 3], "category_id": categories[i % 3],
            "created_at": stamp, "updated_at": stamp + timedelta(hours=1)},
            tags=[f"t{i % 5}", "all"] if i % 4 else [],
            people=[Person(None, "Ann", f"Owner{i}", f"owner{i}@{name}.example",
                           is_owner=True)] if i % 3 == 0 else None))
    assert store.imports.bulk(tid, records).created == size
    for client_id in range(5, size, 10):
        store.clients.delete(Scope(tid), id=client_id)
    _, key = store.keys.create(tid, name="vendor")
    return Tenant(tid, name, key, slugs, categories)


@pytest.fixture(scope="session")
def source(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Source]:
    with empty_database(backend, tmp_path_factory.mktemp("vendor")) as url:
        store = Store.from_url(url, pool_size=1)
        migrate.upgrade(store.engine)
        tenants = [fill(store, "acme"), fill(store, "globex")]
        store.dispose()
        for live in serve(url):
            yield Source(live.url, url, tenants)


@dataclass
class Destination:
    database_url: str
    store: Store
    tenant: dict
    key: str
    http: TestClient

    def cli(self, *argv: str) -> tuple[int, dict | None, str]:
        """``clientgate`` on this database: exit status, its JSON summary, stderr."""
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--database-url", self.database_url, *argv])
        text = out.getvalue().strip()
        return code, json.loads(text.splitlines()[-1]) if text else None, err.getvalue()


@contextlib.contextmanager
def destination(backend: str, directory: Path) -> Iterator[Destination]:
    with empty_database(backend, directory) as url:
        store = Store.from_url(url, pool_size=2)
        migrate.upgrade(store.engine)
        tenant = store.tenants.create("moved", workspace_slug="main", workspace_name="Main")
        _, key = store.keys.create(tenant["id"])
        app = create_app(Settings(database_url=url, key_cache_seconds=0), store=store)
        try:
            with TestClient(app, raise_server_exceptions=False) as http:
                yield Destination(url, store, tenant, key, http)
        finally:
            store.dispose()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def answer(response: Any) -> tuple[int, Any]:
    return response.status_code, response.json()
