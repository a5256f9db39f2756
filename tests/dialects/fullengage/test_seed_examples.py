"""Seed 001 (Full Engage), one test per documented example, on SQLite and PostgreSQL.

The curl, JavaScript (fetch) and Python (requests) examples run exactly as the seed prints them
but for the base URL, the key and ``UUID_HERE``, against uvicorn on a free port.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from dialects.fullengage import dialect
from tests.conftest import count_clients
from tests.dialects.nextjs import STAMP
from tests.live import curl, node, python

from .common import BASE, FIELDS, make
from .examples import CURL, JAVASCRIPT, PYTHON, SEED_KEY, SEED_URL

SEEDS = Path(__file__).resolve().parents[3].parent / "shared" / "seeds"
JOHN = {"name": "John Doe", "phone": "+1 555-1234", "status": "active", "notes": None}


@pytest.fixture
def replace(live_server, tenant) -> dict[str, str]:
    """The seed's base URL and key, as this gateway's."""
    return {SEED_URL: f"{live_server.url}/fullengage", SEED_KEY: tenant.key}


def is_john(created: dict) -> bool:
    assert list(created) == FIELDS
    assert str(uuid.UUID(created["id"])) == created["id"]
    assert STAMP.match(created["createdAt"]) and created["createdAt"] == created["updatedAt"]
    return {k: created[k] for k in JOHN} == JOHN


def test_examples_are_the_seeds():
    seed = SEEDS / dialect.seed
    if not seed.is_file():
        pytest.skip(f"the seed document is not here: {seed}")
    text = seed.read_text()
    for code in (*CURL.values(), JAVASCRIPT, PYTHON):
        assert code in text


def test_curl_list_clients(client, tenant, replace):
    """curl https://your-app.com/api/v1/clients"""
    made = [make(client, tenant, f"Client {i}") for i in range(3)]

    result = curl(CURL["list"], replace)

    assert result.status == 200
    assert result.json() == {"data": made, "total": 3}


def test_curl_list_with_filters(client, tenant, replace):
    """?status=active&sortBy=name&sortOrder=asc&limit=10: active only, by name, 10 at most."""
    names = ["Zeta", "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Eta", "Theta", "Iota",
             "Kappa", "Lambda", "Mu"]
    made = {n: make(client, tenant, n) for n in names}
    make(client, tenant, "Aardvark", status="inactive")

    result = curl(CURL["list with filters"], replace)

    assert result.status == 200
    body = result.json()
    assert body["total"] == 12  # every active client, not the page
    assert [c["name"] for c in body["data"]] == sorted(names)[:10]
    assert body["data"][0] == made["Alpha"]


def test_curl_get_a_single_client(client, tenant, replace):
    created = make(client, tenant, "John Doe", phone="+1 555-1234")

    result = curl(CURL["get"], {**replace, "UUID_HERE": created["id"]})

    assert result.status == 200
    assert result.json() == {"data": created}


def test_curl_create_a_client(client, tenant, replace):
    result = curl(CURL["create"], replace)

    assert result.status == 201
    created = result.json()["data"]
    assert is_john(created)
    assert client.get(f"{BASE}/{created['id']}", headers=tenant.headers).json() == {
        "data": created
    }


def test_curl_update_a_client(client, tenant, replace):
    created = make(client, tenant, "John Doe", phone="+1 555-1234")

    result = curl(CURL["update"], {**replace, "UUID_HERE": created["id"]})

    assert result.status == 200
    updated = result.json()["data"]
    assert updated == {**created, "status": "inactive", "notes": "No longer active",
                       "updatedAt": updated["updatedAt"]}
    assert updated["updatedAt"] >= created["updatedAt"]
    assert client.get(f"{BASE}/{created['id']}", headers=tenant.headers).json() == {
        "data": updated
    }


def test_curl_delete_a_client(client, tenant, replace):
    created = make(client, tenant, "John Doe")

    result = curl(CURL["delete"], {**replace, "UUID_HERE": created["id"]})

    assert result.status == 200
    assert result.json() == {"success": True}
    assert count_clients(tenant.store, tenant.id) == 0
    assert client.get(f"{BASE}/{created['id']}", headers=tenant.headers).status_code == 404


def test_javascript_example(client, tenant, replace):
    """List (limit=10, newest first), then create John Doe, with fetch under node."""
    made = [make(client, tenant, f"Client {i}") for i in range(12)]

    ran = node(JAVASCRIPT, replace, "{listStatus: response.status, data, total, "
                                    "createStatus: createRes.status, newClient}")

    assert ran["listStatus"] == 200
    assert ran["data"] == made[::-1][:10] and ran["total"] == 12
    assert ran["createStatus"] == 201
    assert is_john(ran["newClient"])
    assert count_clients(tenant.store, tenant.id) == 13


def test_python_example(client, tenant, replace):
    """The same with requests: ``data`` is the list's body, ``new_client`` the create's."""
    made = [make(client, tenant, f"Client {i}") for i in range(12)]

    ran = python(PYTHON, replace, '{"data": data, "new_client": new_client, '
                                  '"status": response.status_code}')

    assert ran["data"] == {"data": made[::-1][:10], "total": 12}
    assert ran["status"] == 201
    assert is_john(ran["new_client"]["data"])
    assert count_clients(tenant.store, tenant.id) == 13
