"""Seed 000 (Outlign), one test per documented example, over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.conftest import count_clients

BASE = "/outlign/api/v1/clients"
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
FIELDS = {"id", "title", "company_id", "created_at", "updated_at"}


def create(client, tenant, title="Acme Corporation", company_id=None):
    body = {"title": title, "company_id": company_id or tenant.workspace["id"]}
    response = client.post(BASE, json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_list_clients_of_a_company_with_per_page(client, tenant):
    """GET /api/v1/clients?company_id=456&per_page=25 answers a bare array of client objects."""
    acme = create(client, tenant, "Acme Corporation")
    beta = create(client, tenant, "Beta Industries")
    create(client, tenant, "Elsewhere Ltd", tenant.other_workspace["id"])

    response = client.get(
        BASE, params={"company_id": tenant.workspace["id"], "per_page": 25},
        headers={**tenant.headers, "Accept": "application/json"},
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == [acme, beta]
    assert all(set(c) == FIELDS for c in response.json())


def test_get_a_client_by_id(client, tenant):
    created = create(client, tenant)

    response = client.get(f"{BASE}/{created['id']}", headers=tenant.headers)

    assert response.status_code == 200
    body = response.json()
    assert body == created
    assert body["title"] == "Acme Corporation"
    assert body["company_id"] == tenant.workspace["id"]
    assert STAMP.match(body["created_at"]) and STAMP.match(body["updated_at"])


def test_create_a_client(client, tenant):
    response = client.post(
        BASE, json={"title": "New Client Corp", "company_id": tenant.workspace["id"]},
        headers={**tenant.headers, "Accept": "application/json"},
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == FIELDS
    assert body["title"] == "New Client Corp"
    assert body["company_id"] == tenant.workspace["id"]
    assert isinstance(body["id"], int)
    assert body["created_at"] == body["updated_at"]


def test_update_a_client_title(client, tenant):
    created = create(client, tenant)

    response = client.put(
        f"{BASE}/{created['id']}", json={"title": "Acme Corporation Ltd"}, headers=tenant.headers
    )

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Acme Corporation Ltd"
    assert body["id"] == created["id"] and body["created_at"] == created["created_at"]
    assert body["updated_at"] >= created["updated_at"]
    assert client.get(f"{BASE}/{created['id']}", headers=tenant.headers).json() == body


def test_delete_a_client_answers_204_with_no_body(client, tenant):
    created = create(client, tenant)

    response = client.delete(f"{BASE}/{created['id']}", headers=tenant.headers)

    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"{BASE}/{created['id']}", headers=tenant.headers).status_code == 404
    assert count_clients(tenant.store, tenant.id) == 0
