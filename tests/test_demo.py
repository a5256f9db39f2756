"""The demo world: on a new database, ``clientgate init --demo`` makes what the vendors'
documents show, and every example of every document runs verbatim against it (in each
document's order, over HTTP), answering what the document answers, on both backends."""

from __future__ import annotations

import json

import pytest
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.cli import main
from gateway.settings import Settings
from tests.conftest import empty_database

OUTLIGN_123 = {"id": 123, "title": "Acme Corporation", "company_id": 456,
               "created_at": "2023-01-01T12:00:00Z", "updated_at": "2023-01-01T12:00:00Z"}
OUTLIGN_124 = {"id": 124, "title": "Beta Industries", "company_id": 456,
               "created_at": "2023-01-02T10:30:00Z", "updated_at": "2023-01-02T10:30:00Z"}
#: Seed 003's client object.
GROWCRM_12 = {
    "id": 12, "company_name": "Acme Inc", "description": "Key account.", "status": "active",
    "phone": "+1 555 0100", "website": "https://acme.example", "vat": "GB123456789",
    "category": {"id": 2, "name": "Standard"}, "owner": {"id": 34, "name": "Jane Doe"},
    "billing": {"street": "1 Market St", "city": "San Francisco", "state": "CA",
                "zip": "94105", "country": "United States", "invoice_due_days": "7"},
    "shipping": {"street": None, "city": None, "state": None, "zip": None, "country": None},
    "dates": {"created": "2026-06-15T09:30:00.000000Z", "updated": "2026-06-15T09:30:00.000000Z"},
    "tags": ["priority", "retainer"],
}
#: Seed 004's client.
GITSCRUM_ABC = {
    "uuid": "client-abc-123", "name": "Acme Corp", "email": "billing@acme.co",
    "phone": "+1-555-0100", "website": "https://acme.co",
    "address": "123 Main St, San Francisco, CA", "notes": "Enterprise client since 2024",
    "projects_count": 5, "invoices_total": 125000, "created_at": "2025-06-15T10:00:00Z",
}


@pytest.fixture
def demo(backend, tmp_path, capsys):
    """A new database with the demo world, a gateway on it, and the key init printed."""
    with empty_database(backend, tmp_path) as url:
        assert main(["--database-url", url, "init", "--demo", "--json"]) == 0
        made = json.loads(capsys.readouterr().out)
        with TestClient(create_app(Settings(database_url=url, key_cache_seconds=0))) as client:
            client.headers["Authorization"] = f"Bearer {made['api_key']}"
            yield client, made, url


def test_init_demo_says_what_it_made_and_keeps_it_on_a_second_run(demo, capsys):
    client, made, url = demo
    assert made["tenant"]["name"] == "demo"
    assert {w["slug"]: w["id"] for w in made["workspaces"]}["acme"] == 456
    assert main(["--database-url", url, "init", "--demo", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["tenant"] == made["tenant"] and again["api_key"] != made["api_key"]
    assert client.get("/outlign/api/v1/clients/123").json() == OUTLIGN_123


def test_outlign_examples(demo):
    client, _, _ = demo
    accept = {"Accept": "application/json"}
    listed = client.get("/outlign/api/v1/clients?company_id=456&per_page=25", headers=accept)
    # Company 456 is GitScrum's workspace "acme" too: its clients are listed as well.
    assert listed.status_code == 200
    assert [c for c in listed.json() if c["id"] in (123, 124)] == [OUTLIGN_123, OUTLIGN_124]
    assert client.get("/outlign/api/v1/clients/123", headers=accept).json() == OUTLIGN_123
    made = client.post("/outlign/api/v1/clients", headers=accept,
                       json={"title": "New Client Corp", "company_id": 456})
    assert made.status_code == 201
    assert (made.json()["id"], made.json()["title"], made.json()["company_id"]) == (
        125, "New Client Corp", 456)
    put = client.put("/outlign/api/v1/clients/123", headers=accept,
                     json={"title": "Acme Corporation Ltd"})
    assert put.status_code == 200
    assert {k: put.json()[k] for k in ("id", "title", "company_id", "created_at")} == {
        **{k: OUTLIGN_123[k] for k in ("id", "company_id", "created_at")},
        "title": "Acme Corporation Ltd"}
    assert client.delete("/outlign/api/v1/clients/123", headers=accept).status_code == 204


def test_growcrm_examples(demo):
    client, _, _ = demo
    listed = client.get("/growcrm/api/clients", params={"status": "active", "limit": 25})
    assert listed.status_code == 200
    assert listed.json()["message"] == "Clients retrieved successfully."
    assert GROWCRM_12 in listed.json()["data"]
    got = client.get("/growcrm/api/clients/12").json()
    assert got["data"] == GROWCRM_12 and got["message"] == "Client retrieved successfully."
    made = client.post("/growcrm/api/clients", data={
        "first_name": "Jane", "last_name": "Doe", "email": "jane@acme.example",
        "client_company_name": "Acme Inc", "client_categoryid": 2})
    assert made.status_code in (200, 201), made.text
    assert made.json()["message"] == "Client created successfully."
    assert made.json()["data"]["category"] == {"id": 2, "name": "Standard"}
    patched = client.patch("/growcrm/api/clients/12", data={
        "client_company_name": "Acme Incorporated", "client_categoryid": 2})
    assert patched.status_code == 200 and patched.json()["data"]["company_name"] == \
        "Acme Incorporated"
    tags = client.put("/growcrm/api/clients/12/tags",
                      content="tags[]=priority&tags[]=retainer",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert tags.status_code == 200 and tags.json()["data"]["tags"] == ["priority", "retainer"]
    status = client.put("/growcrm/api/clients/12/status", data={"status": "suspended"})
    assert status.status_code == 200 and status.json()["data"]["status"] == "suspended"
    owner = client.put("/growcrm/api/clients/12/owner", data={"owner": 34})
    assert owner.status_code == 200, owner.text
    assert owner.json()["data"]["owner"] == {"id": 34, "name": "Jane Doe"}
    deleted = client.delete("/growcrm/api/clients/12")
    assert deleted.status_code == 200 and deleted.json()["message"] == \
        "Client deleted successfully."


def test_gitscrum_examples(demo):
    client, _, _ = demo
    listed = client.get("/gitscrum/contact-companies/clients?company_slug=acme")
    assert listed.status_code == 200 and GITSCRUM_ABC in listed.json()["data"]
    got = client.get("/gitscrum/contact-companies/client-abc-123?company_slug=acme")
    assert got.status_code == 200 and got.json()["data"] == GITSCRUM_ABC
    made = client.post("/gitscrum/contact-companies", json={
        "company_slug": "acme", "name": "Globex Corporation", "email": "contact@globex.com",
        "phone": "+1-555-0200", "website": "https://globex.com"})
    assert made.status_code in (200, 201), made.text
    assert made.json()["data"]["name"] == "Globex Corporation"
    put = client.put("/gitscrum/contact-companies/client-def-456", json={
        "company_slug": "acme", "notes": "Renewed contract for 2026"})
    assert put.status_code == 200, put.text
    assert put.json()["data"]["uuid"] == "client-def-456"
    assert put.json()["data"]["notes"] == "Renewed contract for 2026"


def test_fullengage_examples(demo):
    client, _, _ = demo
    everything = client.get("/fullengage/api/v1/clients")
    assert everything.status_code == 200 and everything.json()["total"] == 6
    active = client.get("/fullengage/api/v1/clients?status=active&sortBy=name&sortOrder=asc"
                        "&limit=10").json()
    names = [c["name"] for c in active["data"]]
    assert names == sorted(names) and "Acme Corporation" in names
    newest = client.get("/fullengage/api/v1/clients?limit=10&sortOrder=desc").json()
    assert [c["name"] for c in newest["data"]][0] == "Acme Inc"  # 2026-06-15, the latest
    some = newest["data"][0]["id"]  # the documents' UUID_HERE
    assert client.get(f"/fullengage/api/v1/clients/{some}").status_code == 200
    made = client.post("/fullengage/api/v1/clients",
                       json={"name": "John Doe", "phone": "+1 555-1234"})
    assert made.status_code == 201, made.text
    patched = client.patch(f"/fullengage/api/v1/clients/{some}",
                           json={"status": "inactive", "notes": "No longer active"})
    assert patched.status_code == 200 and patched.json()["data"]["status"] == "inactive"
    deleted = client.delete(f"/fullengage/api/v1/clients/{some}")
    assert deleted.status_code == 200 and deleted.json() == {"success": True}


def test_talynce_examples(demo):
    client, _, _ = demo
    listed = client.get("/talynce/api/v1/clients", params={"search": "Jane Smith"}).json()
    assert [c["name"] for c in listed["data"]] == ["Acme Staffing"]
    staffing = listed["data"][0]
    assert staffing["tags"] == ["enterprise", "priority"]
    assert staffing["metadata"] == {"external_id": "CRM-10042"}
    assert client.get(f"/talynce/api/v1/clients/{staffing['id']}").json()["data"] == staffing
    made = client.post("/talynce/api/v1/clients", json={
        "name": "Acme Corporation", "email": "hr@acme.example", "phone": "+91 98765 43210",
        "address": "123 Business Park, Bangalore", "contact_person": "Jane Smith",
        "website": "https://acme.com", "industry": "Technology", "status": "active",
        "tags": ["enterprise", "priority"], "notes": "Primary staffing client",
        "metadata": {"external_id": "CRM-10042"}})
    assert made.status_code == 201, made.text
