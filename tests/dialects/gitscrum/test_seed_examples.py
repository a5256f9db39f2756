"""Seed 004 (GitScrum), one test per documented example, on SQLite and PostgreSQL. The two curl
examples run unchanged against a live server, but for base URL, token and example uuid."""

from __future__ import annotations

import uuid
from decimal import Decimal

from core.scope import Scope
from tests.live import curl

from .common import BASE, FIELDS, LIST, STAMP, make

SEED_BASE = "https://services.gitscrum.com"

CREATE_CLIENT = r"""curl -X POST https://services.gitscrum.com/contact-companies \
  -H "Authorization: Bearer {token}" \
  -H "Content-Type: application/json" \
  -d '{
    "company_slug": "acme",
    "name": "Globex Corporation",
    "email": "contact@globex.com",
    "phone": "+1-555-0200",
    "website": "https://globex.com"
  }'"""

UPDATE_CLIENT = r"""curl -X PUT https://services.gitscrum.com/contact-companies/client-def-456 \
  -H "Authorization: Bearer {token}" \
  -H "Content-Type: application/json" \
  -d '{
    "company_slug": "acme",
    "notes": "Renewed contract for 2026"
  }'"""

ACME = {
    "name": "Acme Corp",
    "email": "billing@acme.co",
    "phone": "+1-555-0100",
    "website": "https://acme.co",
    "address": "123 Main St, San Francisco, CA",
    "notes": "Enterprise client since 2024",
}


def seed_client(client, tenant, slug="acme") -> dict:
    """The seed's "Acme Corp", with its 5 projects and 125000 invoiced (set in the store)."""
    created = make(client, tenant, slug=slug, **ACME)
    tenant.store.clients.update(
        Scope(tenant.id), uuid=created["uuid"],
        values={"projects_count": 5, "invoices_total": Decimal("125000.00")},
    )
    return {**created, "projects_count": 5, "invoices_total": 125000}


def test_list_clients_returns_all_clients_in_the_workspace(client, tenant, acme):
    """GET /contact-companies/clients?company_slug={slug}"""
    first = seed_client(client, tenant)
    second = make(client, tenant, "Globex Corporation", slug="acme")
    make(client, tenant, "Elsewhere Ltd", slug="main")

    response = client.get(LIST, params={"company_slug": "acme"}, headers=tenant.headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"data": [first, second]}
    assert set(response.json()["data"][0]) == FIELDS
    assert response.json()["data"][0]["invoices_total"] == 125000
    assert response.json()["data"][0]["projects_count"] == 5


def test_get_client_returns_full_client_details(client, tenant, acme):
    """GET /contact-companies/{uuid}?company_slug={slug}"""
    created = seed_client(client, tenant)

    response = client.get(f"{BASE}/{created['uuid']}", params={"company_slug": "acme"},
                           headers=tenant.headers)

    assert response.status_code == 200
    body = response.json()
    assert body == {"data": created}
    assert {k: body["data"][k] for k in ACME} == ACME
    assert STAMP.match(body["data"]["created_at"])


def test_create_client_curl_example(live_server, client, tenant, acme):
    """POST /contact-companies, the seed's curl example."""
    result = curl(CREATE_CLIENT, {SEED_BASE: f"{live_server.url}/gitscrum",
                                  "{token}": tenant.key})

    assert result.status == 201, result.text
    data = result.json()["data"]
    assert set(data) == FIELDS
    assert str(uuid.UUID(data["uuid"])) == data["uuid"]
    assert STAMP.match(data["created_at"])
    assert {k: v for k, v in data.items() if k not in ("uuid", "created_at")} == {
        "name": "Globex Corporation",
        "email": "contact@globex.com",
        "phone": "+1-555-0200",
        "website": "https://globex.com",
        "address": None,
        "notes": None,
        "projects_count": 0,
        "invoices_total": 0,
    }
    # Created in the workspace "acme" and only reachable through its slug.
    listed = client.get(LIST, params={"company_slug": "acme"}, headers=tenant.headers).json()
    assert listed == {"data": [data]}
    assert client.get(f"{BASE}/{data['uuid']}", params={"company_slug": "main"},
                      headers=tenant.headers).status_code == 404


def test_update_client_curl_example(live_server, client, tenant, acme):
    """PUT /contact-companies/{uuid}, the seed's curl example (client-def-456 is a real uuid)."""
    created = make(client, tenant, "Globex Corporation", slug="acme",
                   email="contact@globex.com", phone="+1-555-0200", website="https://globex.com")

    result = curl(UPDATE_CLIENT, {SEED_BASE: f"{live_server.url}/gitscrum",
                                  "{token}": tenant.key, "client-def-456": created["uuid"]})

    assert result.status == 200, result.text
    assert result.json() == {"data": {**created, "notes": "Renewed contract for 2026"}}
    fetched = client.get(f"{BASE}/{created['uuid']}", params={"company_slug": "acme"},
                         headers=tenant.headers)
    assert fetched.json() == result.json()
