"""Full Engage's documented parameters and fields, and its answers where the seed is silent
(docs/dialects/fullengage.md)."""

from __future__ import annotations

import pytest

from core.scope import Scope
from dialects.kit.formats import iso_millis_z
from tests.conftest import count_clients
from tests.dialects.nextjs import STAMP, names, stored

from .common import API, BASE, FIELDS, make


def test_the_client_object_has_seven_camelcase_fields(client, tenant):
    created = make(client, tenant, "Acme")

    assert list(created) == FIELDS
    assert created["phone"] is None and created["notes"] is None
    assert created["status"] == "active"
    row = stored(tenant, created["id"])
    assert created["createdAt"] == iso_millis_z(row["created_at"])
    assert STAMP.match(created["updatedAt"])


def test_create_with_every_field(client, tenant):
    created = make(client, tenant, "Acme", phone="+1 555", status="inactive", notes="Hi")
    assert {k: created[k] for k in ("name", "phone", "status", "notes")} == {
        "name": "Acme", "phone": "+1 555", "status": "inactive", "notes": "Hi"}


def test_strings_are_stored_as_sent(client, tenant):
    created = make(client, tenant, "  Acme  ", phone=" 555 ", notes="")
    assert (created["name"], created["phone"], created["notes"]) == ("  Acme  ", " 555 ", "")


def test_unknown_and_read_only_fields_are_ignored(client, tenant):
    created = make(client, tenant, "Acme", id="00000000-0000-0000-0000-000000000000",
                   createdAt="2000-01-01T00:00:00.000Z", email="a@b.c", tags=["x"])
    assert created["id"] != "00000000-0000-0000-0000-000000000000"
    assert created["createdAt"] != "2000-01-01T00:00:00.000Z"
    row = stored(tenant, created["id"])
    assert row["email"] is None and row["tags"] == []


def test_list_defaults_to_oldest_first_50_at_a_time(client, tenant):
    made = [make(client, tenant, f"C{i:02d}") for i in range(55)]

    body = API.listed(client, tenant)

    assert body == {"data": made[:50], "total": 55}


def test_limit_and_offset_walk_the_list_and_total_counts_every_match(client, tenant):
    made = [make(client, tenant, f"C{i}") for i in range(5)]

    pages = [API.listed(client, tenant, limit=2, offset=o) for o in (0, 2, 4, 6)]

    assert [p["data"] for p in pages] == [made[0:2], made[2:4], made[4:5], []]
    assert {p["total"] for p in pages} == {5}


def test_limit_bounds_are_accepted(client, tenant):
    for i in range(3):
        make(client, tenant, f"C{i}")
    assert len(API.listed(client, tenant, limit=1)["data"]) == 1
    assert len(API.listed(client, tenant, limit=100)["data"]) == 3
    assert API.listed(client, tenant, limit="007")["total"] == 3
    assert API.listed(client, tenant, offset=2**53 - 1) == {"data": [], "total": 3}


def test_query_searches_name_or_phone_case_insensitively(client, tenant):
    acme = make(client, tenant, "ACME Corp", phone="+1 555-0100")
    phone = make(client, tenant, "Beta", phone="+44 20 ACME")
    make(client, tenant, "Gamma", phone="+1 555-0199")

    assert API.listed(client, tenant, query="acme") == {"data": [acme, phone], "total": 2}
    assert API.listed(client, tenant, query="555-0100")["data"] == [acme]
    assert API.listed(client, tenant, query="")["total"] == 3


def test_query_treats_like_wildcards_literally(client, tenant):
    make(client, tenant, "100% Organic")
    make(client, tenant, "100 Percent")
    make(client, tenant, "Under_score")
    make(client, tenant, "Underscore")

    assert names(API.listed(client, tenant, query="0%")) == ["100% Organic"]
    assert names(API.listed(client, tenant, query="r_s")) == ["Under_score"]


def test_query_does_not_search_notes(client, tenant):
    make(client, tenant, "Acme", notes="secret word")
    assert API.listed(client, tenant, query="secret")["total"] == 0


@pytest.mark.parametrize(("status", "expected"), [
    ("active", ["A1", "A2"]),
    ("inactive", ["I1"]),
    ("active,inactive", ["A1", "I1", "A2"]),
    ("inactive,active,inactive", ["A1", "I1", "A2"]),
])
def test_status_is_a_comma_separated_filter(client, tenant, status, expected):
    make(client, tenant, "A1")
    make(client, tenant, "I1", status="inactive")
    make(client, tenant, "A2")

    body = API.listed(client, tenant, status=status)

    assert names(body) == expected and body["total"] == len(expected)


@pytest.mark.parametrize(("sort_by", "key"), [("name", "name"), ("phone", "phone"),
                                              ("status", "status"), ("createdAt", "createdAt")])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_sort_by_each_documented_field(client, tenant, sort_by, key, order):
    made = [
        make(client, tenant, "Charlie", phone="+3", status="inactive"),
        make(client, tenant, "Alpha", phone="+1"),
        make(client, tenant, "Bravo", phone="+2", status="inactive"),
        make(client, tenant, "Delta", phone="+0"),
    ]

    got = API.listed(client, tenant, sortBy=sort_by, sortOrder=order)["data"]

    # Python's sort is stable, as the gateway's tie-break (creation order) in each direction.
    expected = sorted(made, key=lambda c: c[key])
    if order == "desc":
        expected = sorted(made[::-1], key=lambda c: c[key], reverse=True)
    assert got == expected


def test_clients_without_phone_sort_last_ascending_first_descending(client, tenant):
    make(client, tenant, "No phone")
    make(client, tenant, "Phone", phone="+1")

    assert names(API.listed(client, tenant, sortBy="phone")) == ["Phone", "No phone"]
    assert names(API.listed(client, tenant, sortBy="phone", sortOrder="desc")) == [
        "No phone", "Phone"]


def test_sort_order_alone_reverses_creation_order(client, tenant):
    made = [make(client, tenant, f"C{i}") for i in range(3)]
    assert API.listed(client, tenant, sortOrder="desc")["data"] == made[::-1]


def test_unknown_query_parameters_are_ignored(client, tenant):
    make(client, tenant, "Acme")
    assert API.listed(client, tenant, page=3, per_page=1, search="zzz")["total"] == 1


def test_patch_changes_only_the_fields_sent(client, tenant):
    created = make(client, tenant, "Acme", phone="+1 555", notes="keep")
    before = stored(tenant, created["id"])

    r = client.patch(f"{BASE}/{created['id']}", json={"status": "inactive"},
                     headers=tenant.headers)

    assert r.status_code == 200
    assert r.json()["data"] == {**created, "status": "inactive",
                                "updatedAt": r.json()["data"]["updatedAt"]}
    after = stored(tenant, created["id"])
    assert {k: v for k, v in after.items() if k not in ("status", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("status", "updated_at")}


def test_patch_null_clears_phone_and_notes(client, tenant):
    created = make(client, tenant, "Acme", phone="+1 555", notes="old")

    r = client.patch(f"{BASE}/{created['id']}", json={"phone": None, "notes": None},
                     headers=tenant.headers)

    assert (r.json()["data"]["phone"], r.json()["data"]["notes"]) == (None, None)


def test_patch_with_an_empty_body_changes_nothing_but_updated_at(client, tenant):
    created = make(client, tenant, "Acme")

    for body in ({}, None):
        r = client.patch(f"{BASE}/{created['id']}", json=body, headers=tenant.headers)
        assert r.status_code == 200
        assert {k: v for k, v in r.json()["data"].items() if k != "updatedAt"} == {
            k: v for k, v in created.items() if k != "updatedAt"}


def test_patch_leaves_fields_other_dialects_show_alone(client, tenant):
    row = tenant.store.clients.create(Scope(tenant.id), {"name": "Acme", "email": "a@acme.co",
                                                         "industry": "Tech"}, tags=["vip"])

    r = client.patch(f"{BASE}/{row['uuid']}", json={"name": "Acme Ltd"}, headers=tenant.headers)

    assert r.json()["data"]["name"] == "Acme Ltd"
    after = stored(tenant, row["uuid"])
    assert (after["email"], after["industry"], after["tags"]) == ("a@acme.co", "Tech", ["vip"])


@pytest.mark.parametrize("spelling", [str.upper, lambda u: "{" + u + "}",
                                      lambda u: u.replace("-", "")])
def test_get_accepts_other_spellings_of_the_uuid(client, tenant, spelling):
    created = make(client, tenant, "Acme")
    r = client.get(f"{BASE}/{spelling(created['id'])}", headers=tenant.headers)
    assert r.json() == {"data": created}


def test_delete_answers_success_once_then_404(client, tenant):
    created = make(client, tenant, "Acme")
    url = f"{BASE}/{created['id']}"

    first = client.delete(url, headers=tenant.headers)
    second = client.delete(url, headers=tenant.headers)

    assert (first.status_code, first.json()) == (200, {"success": True})
    assert (second.status_code, second.json()) == (404, {"error": "Client not found"})
    assert count_clients(tenant.store, tenant.id) == 0


def test_head_answers_like_get_without_a_body(client, tenant):
    make(client, tenant, "Acme")
    r = client.head(BASE, headers=tenant.headers)
    assert r.status_code == 200 and r.content == b""
