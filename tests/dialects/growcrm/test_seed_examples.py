"""Seed 003 (Grow CRM), one test per documented example, on SQLite and PostgreSQL.

Every curl and PHP example runs as the seed writes it, but for base URL and API key, against a
live gateway holding the seed's world (``conftest.py``: client 12, category 2, user 34), so each
response can be compared with the seed's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.errors import NotFound
from dialects.growcrm import dialect
from tests.live import curl, php

from .common import BASE, SEED_CLIENT, STAMP, invalid, make, outbox, tag_rows, users
from .conftest import SeedServer
from .examples import CURL, PHP

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"


@pytest.fixture(params=["curl", pytest.param("php", marks=pytest.mark.php)])
def example(request: pytest.FixtureRequest, seed_server: SeedServer):
    """Run the named example the fixture's way; gives the HTTP status and the decoded body."""

    def run(name: str) -> tuple[int, Any]:
        if request.param == "curl":
            result = curl(CURL[name], seed_server.replace)
            return result.status, result.json()
        done = php(PHP[name], seed_server.replace)
        return done.status, done.response

    return run


def test_examples_are_the_seeds():
    seed = SEEDS / dialect.seed
    if not seed.is_file():
        pytest.skip(f"the seed document is not here: {seed}")
    text = seed.read_text()
    for code in (*CURL.values(), *PHP.values()):
        assert code in text


def test_the_client_object_and_get_a_client(example):
    """GET /api/clients/12: the client object exactly as the seed shows it."""
    status, body = example("get")

    assert status == 200
    assert body == {"data": SEED_CLIENT, "message": "Client retrieved successfully."}


def test_list_search_clients(example):
    """GET /api/clients?status=active&limit=25"""
    status, body = example("list")

    assert status == 200
    assert body == {
        "data": [SEED_CLIENT],
        "meta": {"current_page": 1, "per_page": 25, "total": 1, "last_page": 1},
        "message": "Clients retrieved successfully.",
    }


def test_create_a_client(example, seed_server):
    """POST /api/clients (form body): the primary user becomes the owner; no email is sent."""
    status, body = example("create")

    assert status == 201
    assert body["message"] == "Client created successfully."
    created = body["data"]
    assert created["company_name"] == "Acme Inc"
    assert created["id"] == 13
    assert created["category"] == {"id": 2, "name": "Standard"}
    assert created["owner"] == {"id": 35, "name": "Jane Doe"}
    assert created["status"] == "active" and created["tags"] == []
    assert STAMP.match(created["dates"]["created"])
    [owner] = seed_server.store.users.list(seed_server.scope, client_id=13)
    assert (owner["email"], owner["is_owner"], owner["kind"]) == ("jane@acme.example", True, "user")
    assert seed_server.store.outbox.pending() == []


def test_update_a_client(example, seed_server):
    """PATCH /api/clients/12: the name and category change, the owner does not."""
    status, body = example("update")

    assert status == 200
    assert body["message"] == "Client updated successfully."
    updated = body["data"]
    assert (updated["id"], updated["company_name"]) == (12, "Acme Incorporated")
    assert updated["dates"]["updated"] != SEED_CLIENT["dates"]["updated"]
    unchanged = {k: v for k, v in SEED_CLIENT.items() if k not in ("company_name", "dates")}
    assert {k: v for k, v in updated.items() if k in unchanged} == unchanged


def test_delete_a_client(example, seed_server):
    """DELETE /api/clients/12 removes the client with its users and tags."""
    status, body = example("delete")

    assert status == 200
    assert body == {"data": {"id": 12}, "message": "Client deleted successfully."}
    with pytest.raises(NotFound):
        seed_server.client(12)
    assert seed_server.store.users.list(seed_server.scope) == []
    assert tag_rows(seed_server.store, 1, 12) == []


def test_set_tags(example, seed_server):
    """PUT /api/clients/12/tags with tags[]=priority&tags[]=retainer replaces the tags."""
    seed_server.store.clients.set_tags(seed_server.scope, ["old", "priority"], id=12)

    status, body = example("tags")

    assert status == 200
    assert body["message"] == "Client tags updated successfully."
    assert body["data"]["tags"] == ["priority", "retainer"]
    assert seed_server.client(12)["tags"] == ["priority", "retainer"]


def test_change_status(example, seed_server):
    """PUT /api/clients/12/status with status=suspended."""
    status, body = example("status")

    assert status == 200
    assert body["message"] == "Client status updated successfully."
    assert body["data"]["status"] == "suspended"
    assert seed_server.client(12)["status"] == "inactive"


def test_change_account_owner(example, seed_server):
    """PUT /api/clients/12/owner with owner=34: user 34 replaces the previous owner."""
    seed_server.store.clients.set_owner(seed_server.scope, 33, id=12)

    status, body = example("owner")

    assert status == 200
    assert body["message"] == "Client account owner updated successfully."
    assert body["data"]["owner"] == {"id": 34, "name": "Jane Doe"}
    owners = [u["id"] for u in seed_server.store.users.list(seed_server.scope, client_id=12)
              if u["is_owner"]]
    assert owners == [34]


def test_errors_example_email_taken_and_first_name_missing(client, tenant):
    """The seed's 422: every broken rule at once, the store's uniqueness among them."""
    make(client, tenant, email="jane@acme.example")
    before = (len(users(tenant)), len(outbox(tenant)))

    r = client.post(BASE, data={"last_name": "Doe", "email": "jane@acme.example"},
                    headers=tenant.headers)

    assert r.status_code == 422
    assert r.json() == invalid({
        "email": ["The email has already been taken."],
        "first_name": ["The first name field is required."],
    })
    assert (len(users(tenant)), len(outbox(tenant))) == before
