"""The benchmark compares like with like: the floor answers Outlign's client object, and its
SQLite reference answers exactly what the gateway answers for the same stored client."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from bench import floor

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


def test_the_sqlite_floor_reads_what_the_gateway_shows(client, tenant, backend, database_url):
    if backend != "sqlite":
        pytest.skip("the benchmark's database reference is SQLite's")
    made = client.post(BASE, json={"title": "Acme", "company_id": tenant.workspace["id"]},
                       headers=tenant.headers).json()
    with TestClient(floor.make_app(database_url.removeprefix("sqlite:///"))) as bare:
        read = bare.get(f"/sqlite{BASE}/{made['id']}")
        missing = bare.get(f"/sqlite{BASE}/999999999")
    assert read.status_code == 200
    assert read.json() == client.get(f"{BASE}/{made['id']}", headers=tenant.headers).json()
    assert missing.status_code == 404
