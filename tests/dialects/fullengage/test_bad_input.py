"""Bad input of every kind gets a 4xx in Full Engage's error body and writes nothing, on SQLite
and PostgreSQL: the cases every Next.js dialect shares, then Full Engage's list parameters."""

from __future__ import annotations

import pytest

from tests.conftest import count_clients
from tests.dialects.nextjs import *  # noqa: F403  (the shared tests, run here for Full Engage)
from tests.dialects.nextjs import NUL, enum, error, invalid

from .common import BASE, make

SORT_BY = "'name' | 'phone' | 'status' | 'createdAt'"

BAD_QUERIES = {
    "sortBy unknown": ({"sortBy": "email"}, {"sortBy": [enum("email", SORT_BY)]}),
    "sortBy snake case": ({"sortBy": "created_at"}, {"sortBy": [enum("created_at", SORT_BY)]}),
    "sortBy empty": ({"sortBy": ""}, {"sortBy": [enum("", SORT_BY)]}),
    "sortOrder unknown": ({"sortOrder": "up"}, {"sortOrder": [enum("up", "'asc' | 'desc'")]}),
    "sortOrder in capitals": ({"sortOrder": "DESC"},
                              {"sortOrder": [enum("DESC", "'asc' | 'desc'")]}),
    "status unknown": ({"status": "archived"}, {"status": [enum("archived")]}),
    "status list with an unknown": ({"status": "active,archived,x"},
                                    {"status": [enum("archived"), enum("x")]}),
    "status with a space": ({"status": "active, inactive"}, {"status": [enum(" inactive")]}),
    "status empty": ({"status": ""}, {"status": [enum("")]}),
    "status trailing comma": ({"status": "active,"}, {"status": [enum("")]}),
    "query with a nul": ({"query": "a\x00"}, {"query": [NUL]}),
    "everything": ({"limit": "1000", "sortBy": "x", "sortOrder": "y", "status": "z"},
                   {"limit": ["Number must be less than or equal to 100"],
                    "sortBy": [enum("x", SORT_BY)],
                    "sortOrder": [enum("y", "'asc' | 'desc'")],
                    "status": [enum("z")]}),
}


@pytest.mark.parametrize("case", BAD_QUERIES)
def test_bad_list_parameters_are_400(client, tenant, case):
    params, details = BAD_QUERIES[case]

    r = client.get(BASE, params=params, headers=tenant.headers)

    assert (r.status_code, r.json()) == (400, invalid(details))


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_methods_the_client_path_lacks_are_405_with_allow(client, tenant, method):
    c = make(client, tenant, "Kept")

    r = client.request(method, f"{BASE}/{c['id']}", json={"name": "Changed"},
                       headers=tenant.headers)

    assert (r.status_code, r.json()) == (405, error("Method not allowed"))
    assert r.headers["allow"] == "GET, HEAD, PATCH, DELETE"
    assert client.get(f"{BASE}/{c['id']}", headers=tenant.headers).json()["data"] == c


def test_delete_on_the_list_is_405(client, tenant):
    make(client, tenant, "Kept")

    r = client.delete(BASE, headers=tenant.headers)

    assert (r.status_code, r.headers["allow"]) == (405, "GET, HEAD, POST")
    assert count_clients(tenant.store, tenant.id) == 1


@pytest.mark.parametrize("key", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_deleting_an_unknown_client_is_404_and_deletes_nothing(client, tenant, key):
    make(client, tenant, "Bystander")

    r = client.delete(f"{BASE}/{key}", headers=tenant.headers)

    assert (r.status_code, r.json()) == (404, error("Client not found"))
    assert count_clients(tenant.store, tenant.id) == 1
