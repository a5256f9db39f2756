"""Bad input of every kind gets a 4xx in Talynce's error body and writes nothing, on SQLite and
PostgreSQL: the cases every Next.js dialect shares, then Talynce's own fields and parameters."""

from __future__ import annotations

import pytest

from tests.conftest import count_clients
from tests.dialects.nextjs import *  # noqa: F403  (the shared tests, run here for Talynce)
from tests.dialects.nextjs import (
    ARRAY,
    BLANK,
    NUL,
    NUMBER,
    OBJECT,
    enum,
    envelope,
    send,
    stored,
    talynce_invalid,
)

from .common import BASE, make


def too_long(n: int) -> str:
    return f"String must contain at most {n} character(s)"


METADATA_NUL = "Object must not contain NUL characters"
TOO_DEEP = "Object must nest at most 100 levels deep"


def nested(levels: int) -> dict:
    """An object ``levels`` objects deep."""
    value: dict = {}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


#: Talynce's own fields: (body, the validation details).
BAD_FIELDS = {
    "email is a number": ({"email": 1}, {"email": [NUMBER]}),
    "email too long": ({"email": "a" * 250 + "@b.com"}, {"email": [too_long(255)]}),
    "email has a nul byte": ({"email": "a\x00@b.c"}, {"email": [NUL]}),
    "address is an object": ({"address": {"street": "x"}}, {"address": [OBJECT]}),
    "address too long": ({"address": "a" * 65_536}, {"address": [too_long(65535)]}),
    "contact person too long": ({"contact_person": "j" * 256},
                                {"contact_person": [too_long(255)]}),
    "contact person has a nul byte": ({"contact_person": "\x00"}, {"contact_person": [NUL]}),
    "website too long": ({"website": "https://" + "w" * 2041}, {"website": [too_long(2048)]}),
    "website is a list": ({"website": ["https://a"]}, {"website": [ARRAY]}),
    "industry too long": ({"industry": "i" * 256}, {"industry": [too_long(255)]}),
    "industry is a huge number": ({"industry": 10**40}, {"industry": [NUMBER]}),
    "tags is a string": ({"tags": "enterprise"}, {"tags": ["Expected array, received string"]}),
    "tags is an object": ({"tags": {"0": "a"}}, {"tags": ["Expected array, received object"]}),
    "tags is null": ({"tags": None}, {"tags": ["Expected array, received null"]}),
    "a tag is a number": ({"tags": ["ok", 7]}, {"tags.1": [NUMBER]}),
    "a tag is a list": ({"tags": [["a"]]}, {"tags.0": [ARRAY]}),
    "a tag is empty": ({"tags": [""]}, {"tags.0": [BLANK]}),
    "a tag is white space": ({"tags": ["ok", "  "]}, {"tags.1": [BLANK]}),
    "a tag too long": ({"tags": ["t" * 256]}, {"tags.0": [too_long(255)]}),
    "a tag has a nul byte": ({"tags": ["a\x00"]}, {"tags.0": [NUL]}),
    "metadata is a list": ({"metadata": [1]}, {"metadata": ["Expected object, received array"]}),
    "metadata is a string": ({"metadata": "{}"},
                             {"metadata": ["Expected object, received string"]}),
    "metadata is null": ({"metadata": None}, {"metadata": ["Expected object, received null"]}),
    "metadata has a nul value": ({"metadata": {"k": "v\x00"}}, {"metadata": [METADATA_NUL]}),
    "metadata has a nul key": ({"metadata": {"k\x00": 1}}, {"metadata": [METADATA_NUL]}),
    "metadata nests too deep": ({"metadata": nested(101)}, {"metadata": [TOO_DEEP]}),
    "metadata nests too deep in a list": ({"metadata": {"l": [nested(100)]}},
                                          {"metadata": [TOO_DEEP]}),
    "metadata nests far too deep": ({"metadata": nested(600)}, {"metadata": [TOO_DEEP]}),
    "metadata too large": ({"metadata": {"k": "v" * 70_000}},
                           {"metadata": ["Object must be at most 65535 bytes as JSON"]}),
    "all at once": ({"name": None, "tags": [1], "metadata": [], "status": "gone"},
                    {"name": ["Expected string, received null"], "tags.0": [NUMBER],
                     "metadata": ["Expected object, received array"],
                     "status": [enum("gone")]}),
}


@pytest.mark.parametrize("case", BAD_FIELDS)
def test_bad_talynce_fields_on_create_write_nothing(client, tenant, case):
    body, details = BAD_FIELDS[case]

    r = send(client, tenant, "POST", BASE, {"name": "Valid", **body})

    assert (r.status_code, r.json()) == (400, talynce_invalid(details))
    assert count_clients(tenant.store, tenant.id) == 0


@pytest.mark.parametrize("case", BAD_FIELDS)
def test_bad_talynce_fields_on_update_change_nothing(client, tenant, case):
    body, details = BAD_FIELDS[case]
    c = make(client, tenant, "Untouched", email="a@b.c", tags=["keep"],
             metadata={"external_id": "CRM-1"})
    before = stored(tenant, c["id"])

    r = send(client, tenant, "PUT", f"{BASE}/{c['id']}", body)

    assert (r.status_code, r.json()) == (400, talynce_invalid(details))
    assert stored(tenant, c["id"]) == before


BAD_QUERIES = {
    "status unknown": ({"status": "archived"}, {"status": [enum("archived")]}),
    "status empty": ({"status": ""}, {"status": [enum("")]}),
    "status as a list": ({"status": "active,inactive"}, {"status": [enum("active,inactive")]}),
    "search with a nul": ({"search": "\x00"}, {"search": [NUL]}),
    "industry with a nul": ({"industry": "Tech\x00"}, {"industry": [NUL]}),
    "several": ({"status": "x", "limit": "500"},
                {"status": [enum("x")], "limit": ["Number must be less than or equal to 100"]}),
}


@pytest.mark.parametrize("case", BAD_QUERIES)
def test_bad_list_parameters_are_400(client, tenant, case):
    params, details = BAD_QUERIES[case]

    r = client.get(BASE, params=params, headers=tenant.headers)

    assert (r.status_code, r.json()) == (400, talynce_invalid(details))


@pytest.mark.parametrize("method", ["DELETE", "PATCH", "POST"])
def test_methods_the_seed_lacks_are_405_and_change_nothing(client, tenant, method):
    c = make(client, tenant, "Kept")
    before = stored(tenant, c["id"])

    r = client.request(method, f"{BASE}/{c['id']}", json={"name": "Changed"},
                       headers=tenant.headers)

    assert (r.status_code, r.json()) == (
        405, envelope(405, "Method not allowed", {"allowed": ["GET", "HEAD", "PUT"]}))
    assert r.headers["allow"] == "GET, HEAD, PUT"
    assert stored(tenant, c["id"]) == before


def test_metadata_100_levels_deep_is_accepted_and_listed(client, tenant):
    created = make(client, tenant, "Deep", metadata=nested(100))

    assert created["metadata"] == nested(100)
    assert client.get(BASE, headers=tenant.headers).json()["data"] == [created]
