"""Talynce's documented parameters and fields, and its answers where the seed is silent
(docs/dialects/talynce.md)."""

from __future__ import annotations

import orjson
import pytest

from core.scope import Scope
from tests.dialects.nextjs import names, stored

from .common import API, BASE, make

NULLABLE = ["email", "phone", "address", "contact_person", "website", "industry", "notes"]


def put(client, tenant, key: str, body) -> dict:
    r = client.put(f"{BASE}/{key}", json=body, headers=tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_a_new_client_has_every_field(client, tenant):
    created = make(client, tenant, "Bare")

    assert {k: created[k] for k in NULLABLE} == dict.fromkeys(NULLABLE)
    assert (created["status"], created["tags"], created["metadata"]) == ("active", [], {})


def test_list_is_newest_first_50_at_a_time(client, tenant):
    made = [make(client, tenant, f"C{i:02d}") for i in range(55)]

    body = API.listed(client, tenant)

    assert body == {"data": made[::-1][:50], "meta": {"total": 55, "limit": 50, "offset": 0}}


def test_limit_and_offset_walk_the_list_and_meta_says_what_was_used(client, tenant):
    made = [make(client, tenant, f"C{i}") for i in range(5)][::-1]

    pages = [API.listed(client, tenant, limit=2, offset=o) for o in (0, 2, 4, 6)]

    assert [p["data"] for p in pages] == [made[0:2], made[2:4], made[4:5], []]
    assert [p["meta"] for p in pages] == [{"total": 5, "limit": 2, "offset": o}
                                          for o in (0, 2, 4, 6)]
    assert API.listed(client, tenant, limit="010", offset="+1")["meta"] == {
        "total": 5, "limit": 10, "offset": 1}


@pytest.mark.parametrize(("search", "expected"), [
    ("ACME", ["Acme Inc"]),
    ("hr@", ["Beta"]),
    ("jane", ["Gamma"]),
    ("555", []),  # phone is not searched
    ("secret", []),  # nor notes
    ("", ["Gamma", "Beta", "Acme Inc"]),
])
def test_search_covers_name_email_and_contact_person(client, tenant, search, expected):
    make(client, tenant, "Acme Inc", phone="555")
    make(client, tenant, "Beta", email="HR@beta.example", notes="secret")
    make(client, tenant, "Gamma", contact_person="Jane Smith")

    assert names(API.listed(client, tenant, search=search)) == expected


def test_search_treats_like_wildcards_literally(client, tenant):
    make(client, tenant, "100% Organic")
    make(client, tenant, "100 Percent")
    assert names(API.listed(client, tenant, search="0%")) == ["100% Organic"]


def test_status_and_industry_filters(client, tenant):
    make(client, tenant, "Tech active", industry="Technology")
    make(client, tenant, "Tech inactive", industry="Technology", status="inactive")
    make(client, tenant, "Health", industry="Healthcare")
    make(client, tenant, "Fintech", industry="Financial Technology")

    assert names(API.listed(client, tenant, status="inactive")) == ["Tech inactive"]
    assert names(API.listed(client, tenant, industry="technology")) == ["Tech inactive",
                                                                     "Tech active"]
    assert names(API.listed(client, tenant, industry="technology", status="active")) == [
        "Tech active"]
    assert API.listed(client, tenant, industry="")["meta"]["total"] == 4


def test_put_changes_only_the_fields_sent(client, tenant):
    created = make(client, tenant, "Acme", email="a@acme.co", tags=["a"], metadata={"x": 1})
    before = stored(tenant, created["id"])

    updated = put(client, tenant, created["id"], {"phone": "+1 555"})

    assert updated == {**created, "phone": "+1 555", "updated_at": updated["updated_at"]}
    after = stored(tenant, created["id"])
    assert {k: v for k, v in after.items() if k not in ("phone", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("phone", "updated_at")}


@pytest.mark.parametrize("field", NULLABLE)
def test_put_null_clears_a_nullable_field(client, tenant, field):
    created = make(client, tenant, "Acme", **{field: "something"})

    updated = put(client, tenant, created["id"], {field: None})

    assert updated[field] is None
    assert updated == {**created, field: None, "updated_at": updated["updated_at"]}


def test_put_with_an_empty_body_changes_nothing_but_updated_at(client, tenant):
    created = make(client, tenant, "Acme", tags=["a"])

    for body in ({}, None):
        updated = put(client, tenant, created["id"], body)
        assert {k: v for k, v in updated.items() if k != "updated_at"} == {
            k: v for k, v in created.items() if k != "updated_at"}


def test_tags_keep_their_order_drop_repeats_and_are_replaced_on_put(client, tenant):
    created = make(client, tenant, "Acme", tags=["b", "a", "b", "A"])
    assert created["tags"] == ["b", "a", "A"]

    assert put(client, tenant, created["id"], {"tags": ["z"]})["tags"] == ["z"]
    assert put(client, tenant, created["id"], {"tags": []})["tags"] == []


def test_metadata_is_replaced_not_merged(client, tenant):
    created = make(client, tenant, "Acme", metadata={"external_id": "CRM-1", "keep": True})

    updated = put(client, tenant, created["id"], {"metadata": {"other": [1, {"x": None}]}})

    assert updated["metadata"] == {"other": [1, {"x": None}]}
    assert put(client, tenant, created["id"], {"metadata": {}})["metadata"] == {}


def test_metadata_numbers_come_back_as_javascript_reads_them(client, tenant):
    """A float PostgreSQL's jsonb gives back as 31 digits still reads as the float sent."""
    raw = b'{"name": "Numbers", "metadata": {"big": 1e30, "huge": 123456789012345678901234567890,'\
          b' "u64": 18446744073709551615, "neg": -9223372036854775808, "tiny": 1.5e-300,' \
          b' "float": 0.1, "whole": 2.0, "deep": [[[1e300]]]}}'
    r = client.post(BASE, content=raw, headers={**tenant.headers,
                                                "Content-Type": "application/json"})
    assert r.status_code == 201, r.text

    for body in (r.json(), client.get(f"{BASE}/{r.json()['data']['id']}",
                                      headers=tenant.headers).json()):
        meta = body["data"]["metadata"]
        assert meta["big"] == 1e30 and meta["huge"] == 1.2345678901234568e29
        assert meta["u64"] == 2**64 - 1 and meta["neg"] == -(2**63)
        assert meta["tiny"] == 1.5e-300 and meta["float"] == 0.1 and meta["whole"] == 2.0
        assert meta["deep"] == [[[1e300]]]


def test_read_only_and_unknown_fields_are_ignored(client, tenant):
    created = make(client, tenant, "Acme", id="00000000-0000-0000-0000-000000000000",
                   jobs_count=99, active_jobs_count=9, created_at="2000-01-01T00:00:00.000Z",
                   vat="GB1", description="x")

    assert created["id"] != "00000000-0000-0000-0000-000000000000"
    assert (created["jobs_count"], created["active_jobs_count"]) == (0, 0)
    row = stored(tenant, created["id"])
    assert (row["vat"], row["description"]) == (None, None)


def test_strings_are_stored_as_sent(client, tenant):
    values = {"name": " Acme ", "email": "not an email", "website": "acme dot com",
              "address": "1 Road\nTown\n", "notes": "", "contact_person": "Zoë 😀"}
    created = make(client, tenant, **values)
    assert {k: created[k] for k in values} == values


def test_longest_values_are_accepted(client, tenant):
    values = {"name": "n" * 255, "phone": "1" * 50, "email": "e" * 255, "website": "w" * 2048,
              "contact_person": "c" * 255, "industry": "i" * 255, "tags": ["t" * 255],
              "notes": "n" * 65_535, "metadata": {"k": "v" * 65_000}}
    created = make(client, tenant, **values)
    assert {k: created[k] for k in values} == values
    assert len(orjson.dumps(created["metadata"])) <= 65_535


def test_counts_written_by_the_store_are_not_reset_by_put(client, tenant):
    created = make(client, tenant, "Acme")
    tenant.store.clients.update(Scope(tenant.id), uuid=created["id"],
                                values={"jobs_count": 4, "active_jobs_count": 2})

    updated = put(client, tenant, created["id"], {"name": "Acme Ltd", "jobs_count": 0})

    assert (updated["jobs_count"], updated["active_jobs_count"]) == (4, 2)
