"""The benchmark compares like with like: the floor answers Outlign's client object, and its
SQLite reference answers exactly what the gateway answers for the same stored client."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from bench import floor
from core import migrate
from core.store import Store
from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import make_tenant

BASE = "/outlign/api/v1/clients"


def test_the_floor_answers_outlign_fields_in_outlign_order(client, tenant):
    made = client.post(BASE, json={"title": "Acme", "company_id": tenant.workspace["id"]},
                       headers=tenant.headers)
    assert made.status_code == 201, made.text
    with TestClient(floor.make_app()) as bare:
        one = bare.get(f"{BASE}/1")
        fifty = bare.get(BASE)
    assert one.headers["content-type"] == made.headers["content-type"] == "application/json"
    assert list(one.json()) == list(made.json())
    assert len(fifty.json()) == 50 and all(list(c) == list(made.json()) for c in fifty.json())


def test_the_sqlite_floor_reads_what_the_gateway_shows(tmp_path):
    """The benchmark's database is SQLite, so this one runs on SQLite only, on its own file."""
    url = f"sqlite:///{tmp_path}/bench.db"
    store = Store.from_url(url, pool_size=1)
    migrate.upgrade(store.engine)
    kit = make_tenant(store, "bench")
    try:
        with TestClient(create_app(Settings(database_url=url), store=store)) as gateway:
            made = gateway.post(BASE, json={"title": "Acme", "company_id": kit.workspace["id"]},
                                headers=kit.headers).json()
            shown = gateway.get(f"{BASE}/{made['id']}", headers=kit.headers).json()
        with TestClient(floor.make_app(str(tmp_path / "bench.db"))) as bare:
            read = bare.get(f"/sqlite{BASE}/{made['id']}")
            missing = bare.get(f"/sqlite{BASE}/999999999")
    finally:
        store.dispose()
    assert read.status_code == 200
    assert read.json() == shown == made
    assert missing.status_code == 404


def test_the_postgresql_floor_reads_what_the_gateway_shows(database_url, backend, client, tenant):
    """The PostgreSQL reference (asyncpg, one query) answers exactly what the gateway does."""
    if backend != "postgresql":
        pytest.skip("the PostgreSQL reference reads PostgreSQL")
    made = client.post(BASE, json={"title": "Acme", "company_id": tenant.workspace["id"]},
                       headers=tenant.headers).json()
    shown = client.get(f"{BASE}/{made['id']}", headers=tenant.headers).json()
    with TestClient(floor.make_app(postgres=database_url, postgres_pool=1,
                                   tenant_id=tenant.id)) as bare:
        read = bare.get(f"/postgresql{BASE}/{made['id']}")
        missing = bare.get(f"/postgresql{BASE}/999999999")
    assert read.status_code == 200
    assert read.json() == shown == made
    assert missing.status_code == 404
