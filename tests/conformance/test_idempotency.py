"""Every dialect's create honours ``Idempotency-Key`` (Stripe's semantics): a retry answers the
first response and creates nothing; the same key for a different request is the dialect's 409;
keys are per tenant and live 24 hours; a refused create leaves its key free; concurrent
duplicates create exactly one client. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import httpx2 as httpx
import pytest
import sqlalchemy as sa

from core import models as m
from dialects.kit.idempotency import BAD_KEY, REUSED
from dialects.registry import DIALECTS
from tests.conftest import count_clients, make_tenant
from tests.faults.process import GatewayProcess

from .vendors import VENDORS

NAMES = sorted(DIALECTS)


def refused(name: str, detail: str, title: str, code: str) -> dict:
    """The dialect's error body for ``detail``, of the kind ``title`` / ``code`` names."""
    if name == "gitscrum":
        return {"error": title, "message": detail, "error_code": code.upper()}
    if name == "talynce":
        return {"error": {"code": code, "message": detail}}
    if name == "fullengage":
        return {"error": detail}
    return {"message": detail}


def bad_request(name: str, detail: str) -> dict:
    return refused(name, detail, "Bad Request", "bad_request")


def conflict(name: str, detail: str) -> dict:
    return refused(name, detail, "Conflict", "conflict")


def create(client, name: str, tenant, key: str | None, **extra):
    vendor = VENDORS[name]
    headers = {**tenant.headers, **({"Idempotency-Key": key} if key else {})}
    return client.post(f"/{name}{vendor.create}", json={**vendor.create_body(tenant.workspace),
                                                        **extra}, headers=headers)


@pytest.mark.parametrize("name", NAMES)
def test_a_retried_create_answers_the_first_response_and_creates_nothing(client, tenant, name):
    first = create(client, name, tenant, "order-1")
    again = create(client, name, tenant, "order-1")

    assert first.status_code == 201, first.text
    assert (again.status_code, again.content) == (201, first.content)
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert count_clients(tenant.store, tenant.id) == 1
    other = {"email": "other@acme.example"} if name == "growcrm" else {}  # Grow CRM's is unique
    assert create(client, name, tenant, "order-2", **other).content != first.content
    assert count_clients(tenant.store, tenant.id) == 2


@pytest.mark.parametrize("name", NAMES)
def test_the_same_key_for_another_request_is_the_dialects_409(client, tenant, name):
    assert create(client, name, tenant, "k").status_code == 201
    r = create(client, name, tenant, "k", notes="something else")
    assert (r.status_code, r.json()) == (409, conflict(name, REUSED))
    assert count_clients(tenant.store, tenant.id) == 1


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("key", ["x" * 256, "tab\there", "ключ"], ids=["long", "control", "non-ascii"])
def test_a_malformed_key_is_the_dialects_400(client, tenant, name, key):
    r = client.post(f"/{name}{VENDORS[name].create}",
                    json=VENDORS[name].create_body(tenant.workspace),
                    headers={**tenant.headers, "Idempotency-Key": key.encode("utf-8")})
    assert (r.status_code, r.json()) == (400, bad_request(name, BAD_KEY))
    assert count_clients(tenant.store, tenant.id) == 0


@pytest.mark.parametrize("name", NAMES)
def test_keys_belong_to_their_tenant(client, tenant, other_tenant, name):
    mine = create(client, name, tenant, "shared")
    theirs = create(client, name, other_tenant, "shared", notes="theirs")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert count_clients(tenant.store, tenant.id) == 1
    assert count_clients(tenant.store, other_tenant.id) == 1


def test_a_refused_create_leaves_its_key_free(client, tenant):
    refused = client.post("/outlign/api/v1/clients", json={"title": ""},
                          headers={**tenant.headers, "Idempotency-Key": "retry-me"})
    assert refused.status_code == 422
    made = create(client, "outlign", tenant, "retry-me")
    assert made.status_code == 201 and "idempotent-replayed" not in made.headers


def test_a_key_lives_24_hours(client, store, tenant):
    assert create(client, "outlign", tenant, "daily").status_code == 201
    with store.engine.begin() as conn:
        conn.execute(m.idempotency_keys.update().where(m.idempotency_keys.c.tenant_id == tenant.id)
                     .values(created_at=datetime.now(UTC) - timedelta(hours=25)))
    r = create(client, "outlign", tenant, "daily", notes="a new day")
    assert r.status_code == 201 and "idempotent-replayed" not in r.headers
    assert count_clients(store, tenant.id) == 2


def test_concurrent_duplicates_create_exactly_one_client(database_url, store):
    kit = make_tenant(store, "idem")
    body = {"title": "Once", "company_id": kit.workspace["id"]}
    statuses: list[int] = []
    with GatewayProcess(database_url) as gw:
        def send() -> None:
            with httpx.Client(timeout=30) as http:
                statuses.append(http.post(f"{gw.url}/outlign/api/v1/clients", json=body,
                                          headers={**kit.headers,
                                                   "Idempotency-Key": "once"}).status_code)

        threads = [threading.Thread(target=send) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert len(statuses) == 12 and set(statuses) <= {201, 409}, statuses
    assert 201 in statuses
    with store.engine.connect() as conn:
        made = conn.execute(sa.select(sa.func.count()).select_from(m.clients)
                            .where(m.clients.c.tenant_id == kit.id)).scalar()
    assert made == 1
