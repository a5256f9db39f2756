"""Grow CRM where the seed states a rule without an example, and where it is silent
(docs/dialects/growcrm.md), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from core.scope import Scope
from tests.conftest import count_clients

from .common import (
    BASE,
    FIELDS,
    STAMP,
    custom_values,
    invalid,
    make,
    one,
    outbox,
    person,
    tag_rows,
    users,
)

# -- list ---------------------------------------------------------------------------------------


def listed(client, tenant, **params) -> dict:
    r = client.get(BASE, params=params, headers=tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()


def ids(body: dict) -> list[int]:
    return [c["id"] for c in body["data"]]


def test_list_defaults_newest_first_fifteen_a_page(client, tenant):
    made = [make(client, tenant, "P", str(i))["id"] for i in range(17)]

    body = listed(client, tenant)

    assert ids(body) == made[::-1][:15]
    assert body["meta"] == {"current_page": 1, "per_page": 15, "total": 17, "last_page": 2}
    assert body["message"] == "Clients retrieved successfully."
    assert all(set(c) == FIELDS for c in body["data"])


def test_page_and_limit_walk_the_list_with_laravel_paginator_meta(client, tenant):
    made = [make(client, tenant, "P", str(i))["id"] for i in range(5)][::-1]

    pages = [listed(client, tenant, limit=2, page=p) for p in (1, 2, 3, 4)]

    assert [ids(p) for p in pages] == [made[0:2], made[2:4], made[4:5], []]
    assert [p["meta"] for p in pages] == [
        {"current_page": n, "per_page": 2, "total": 5, "last_page": 3} for n in (1, 2, 3, 4)
    ]


def test_empty_list_has_one_last_page(client, tenant):
    assert listed(client, tenant) == {
        "data": [], "meta": {"current_page": 1, "per_page": 15, "total": 0, "last_page": 1},
        "message": "Clients retrieved successfully.",
    }


def test_status_filter_speaks_suspended_for_inactive(client, tenant):
    a = make(client, tenant, "A", "A")
    b = make(client, tenant, "B", "B")
    client.put(f"{BASE}/{b['id']}/status", data={"status": "suspended"}, headers=tenant.headers)

    assert ids(listed(client, tenant, status="active")) == [a["id"]]
    assert ids(listed(client, tenant, status="suspended")) == [b["id"]]


def test_category_filter(client, tenant, store):
    standard = store.categories.create(tenant.id, "Standard")
    a = make(client, tenant, "A", "A", client_categoryid=standard["id"])
    make(client, tenant, "B", "B")

    assert ids(listed(client, tenant, category_id=standard["id"])) == [a["id"]]
    assert ids(listed(client, tenant, category_id=999_999_999)) == []
    assert ids(listed(client, tenant, category_id=0)) == []


def test_search_is_a_case_insensitive_partial_match_on_the_company_name_only(client, tenant):
    acme = make(client, tenant, "A", "A", client_company_name="Acme Corporation")
    make(client, tenant, "B", "B", email="acme@example.test", client_company_name="Beta")
    labs = make(client, tenant, "C", "C", client_company_name="ACME Labs")
    make(client, tenant, "D", "D", client_company_name="100% Organic")

    assert ids(listed(client, tenant, search="acme", order="asc")) == [acme["id"], labs["id"]]
    assert len(listed(client, tenant, search="0%")["data"]) == 1
    assert listed(client, tenant, search="_")["data"] == []


@pytest.mark.parametrize(("sort", "key"), [
    ("client_company_name", lambda c: c["company_name"]),
    ("client_created", lambda c: c["dates"]["created"]),
    ("client_updated", lambda c: c["dates"]["updated"]),
])
@pytest.mark.parametrize("order", ["asc", "desc"])
def test_sort_by_each_whitelisted_column(client, tenant, sort, key, order):
    for name in ("Mango", "apple", "Zebra", "Kiwi"):
        make(client, tenant, name, "X", client_company_name=name)

    data = listed(client, tenant, sort=sort, order=order)["data"]

    if sort == "client_company_name":
        # Case-sensitive on PostgreSQL's C collation and SQLite alike: what matters is that the
        # database orders, and both orders are opposite.
        names = [c["company_name"] for c in data]
        other = [c["company_name"] for c in listed(client, tenant, sort=sort,
                                                    order="desc" if order == "asc" else "asc")
                 ["data"]]
        assert names == other[::-1]
    else:
        assert [key(c) for c in data] == sorted((key(c) for c in data), reverse=order == "desc")


def test_sort_by_status_defaults_to_descending(client, tenant):
    a = make(client, tenant, "A", "A")
    b = make(client, tenant, "B", "B")
    client.put(f"{BASE}/{a['id']}/status", data={"status": "suspended"}, headers=tenant.headers)

    # "inactive" (suspended) sorts after "active": descending puts it first.
    assert ids(listed(client, tenant, sort="client_status")) == [a["id"], b["id"]]
    assert ids(listed(client, tenant, sort="client_status", order="asc")) == [b["id"], a["id"]]


def test_list_sees_only_the_keys_tenant_and_workspace(client, tenant, other_tenant, store):
    mine = make(client, tenant)
    make(client, other_tenant)
    elsewhere = store.clients.create(
        Scope(tenant.id), {"name": "Elsewhere", "workspace_id": tenant.other_workspace["id"]})

    assert ids(listed(client, tenant)) == [elsewhere["id"], mine["id"]]
    limited = client.get(BASE, headers=tenant.limited_headers).json()
    assert ids(limited) == [mine["id"]]
    assert client.get(f"{BASE}/{elsewhere['id']}", headers=tenant.limited_headers
                      ).status_code == 404


def test_a_client_without_users_has_a_null_owner(client, tenant, store):
    bare = store.clients.create(Scope(tenant.id), {"name": "Made elsewhere"})

    body = client.get(f"{BASE}/{bare['id']}", headers=tenant.headers).json()["data"]

    assert body["owner"] is None
    assert body["billing"]["invoice_due_days"] is None


# -- create -------------------------------------------------------------------------------------


def test_json_and_form_bodies_create_the_same_client(client, tenant):
    fields = {"client_company_name": "Acme", "client_phone": "+1 555", "client_vat": "GB1",
              "client_billing_invoice_due_days": 30, "client_shipping_city": "Leeds"}
    by_form = client.post(BASE, data={**person("Form", "One"), **fields, "tags[]": ["a", "b"]},
                          headers=tenant.headers)
    by_json = client.post(BASE, json={**person("Json", "Two"), **fields, "tags": ["a", "b"]},
                          headers=tenant.headers)

    assert by_form.status_code == by_json.status_code == 201
    a, b = by_form.json()["data"], by_json.json()["data"]
    for key in ("company_name", "phone", "vat", "billing", "shipping", "tags", "category"):
        assert a[key] == b[key]
    assert a["billing"]["invoice_due_days"] == "30"
    assert a["shipping"]["city"] == "Leeds"
    assert a["tags"] == ["a", "b"]


def test_multipart_bodies_work_too(client, tenant):
    r = client.post(BASE, files={"first_name": (None, "Multi"), "last_name": (None, "Part"),
                                 "email": (None, "multi@example.test")},
                    headers=tenant.headers)
    assert r.status_code == 201
    assert r.json()["data"]["company_name"] == "Multi Part"


def test_create_answers_the_whole_client_object(client, tenant):
    r = client.post(BASE, data=person(), headers=tenant.headers)

    assert r.status_code == 201
    assert set(r.json()) == {"data", "message"}
    data = r.json()["data"]
    assert set(data) == FIELDS
    assert STAMP.match(data["dates"]["created"]) and data["dates"]["created"] == data["dates"][
        "updated"]


def test_company_name_defaults_to_first_and_last_name(client, tenant):
    assert make(client, tenant, "  Jane ", "Doe", "jd@example.test")["company_name"] == "Jane Doe"
    assert make(client, tenant, "Ann", "Lee", client_company_name="")["company_name"] == "Ann Lee"


def test_category_defaults_to_the_tenants_default_category(client, tenant, store):
    default = next(c for c in store.categories.list(tenant.id) if c["is_default"])
    standard = store.categories.create(tenant.id, "Standard")

    assert make(client, tenant, "A", "A")["category"] == {"id": default["id"],
                                                          "name": "Default"}
    assert make(client, tenant, "B", "B", client_categoryid=str(standard["id"]))["category"] == {
        "id": standard["id"], "name": "Standard"}
    store.categories.set_default(tenant.id, standard["id"])
    assert make(client, tenant, "C", "C")["category"]["id"] == standard["id"]


def test_the_primary_user_is_created_and_owns_the_client(client, tenant):
    created = make(client, tenant, "Jane", "Doe", "Jane@Acme.example")

    [user] = users(tenant, created["id"])
    assert user["id"] == created["owner"]["id"]
    assert (user["first_name"], user["last_name"], user["email"]) == ("Jane", "Doe",
                                                                      "Jane@Acme.example")
    assert user["kind"] == "user" and user["is_owner"]


def test_an_existing_contact_with_the_email_is_promoted(client, tenant, store):
    contact = store.users.create(Scope(tenant.id), client_id=None, first_name="J",
                                 last_name="D", email="jane@acme.example", kind="contact")

    created = make(client, tenant, "Jane", "Doe", "JANE@acme.example")

    assert created["owner"] == {"id": contact["id"], "name": "Jane Doe"}
    [user] = users(tenant, created["id"])
    assert (user["id"], user["kind"], user["is_owner"]) == (contact["id"], "user", True)
    assert len(users(tenant)) == 1


def test_email_is_unique_among_the_tenants_users_case_insensitively(client, tenant, other_tenant):
    make(client, tenant, email="jane@acme.example")
    make(client, other_tenant, email="jane@acme.example")

    r = client.post(BASE, data=person(email="JANE@ACME.EXAMPLE"), headers=tenant.headers)

    assert r.status_code == 422
    assert r.json() == one("email", "The email has already been taken.")
    assert count_clients(tenant.store, tenant.id) == 1


def test_tags_on_create_keep_order_drop_blanks_and_repeats(client, tenant):
    created = make(client, tenant, **{"tags[]": ["b", " a ", "", "b"]})
    assert created["tags"] == ["b", "a"]


@pytest.mark.parametrize("value", ["yes", " yes "])
def test_send_email_yes_queues_one_welcome_email(client, tenant, value):
    created = make(client, tenant, "Jane", "Doe", "jane@acme.example",
                   client_company_name="Acme Inc", send_email=value)

    [mail] = outbox(tenant)
    assert (mail["client_id"], mail["to_email"], mail["to_name"]) == (
        created["id"], "jane@acme.example", "Jane Doe")
    assert mail["kind"] == "client_welcome" and mail["sent_at"] is None
    assert "Acme Inc" in mail["body"]


@pytest.mark.parametrize("value", [None, "no", "YES", "true", "1", ""])
def test_no_email_without_send_email_yes(client, tenant, value):
    extra = {} if value is None else {"send_email": value}
    make(client, tenant, **extra)
    assert outbox(tenant) == []


def test_send_email_in_json_must_be_the_string_yes(client, tenant):
    r = client.post(BASE, json=person(send_email=True), headers=tenant.headers)
    assert r.status_code == 422
    assert r.json() == one("send_email", "The send email field must be a string.")
    assert outbox(tenant) == []


# -- custom fields ------------------------------------------------------------------------------


@pytest.fixture
def fields(store, tenant) -> dict:
    return {
        "required": store.custom_fields.create(tenant.id, "client_contract_ref",
                                               label="Contract", required=True),
        "optional": store.custom_fields.create(tenant.id, "client_region", label="Region"),
    }


def test_required_custom_fields_must_be_supplied_by_name(client, tenant, fields):
    r = client.post(BASE, data=person(client_region="North"), headers=tenant.headers)

    assert r.status_code == 422
    assert r.json() == one("client_contract_ref", "The client contract ref field is required.")
    assert count_clients(tenant.store, tenant.id) == 0
    assert users(tenant) == [] and outbox(tenant) == []


@pytest.mark.parametrize("value", ["", "   "])
def test_a_blank_required_custom_field_is_missing(client, tenant, fields, value):
    r = client.post(BASE, data=person(client_contract_ref=value), headers=tenant.headers)
    assert r.status_code == 422
    assert list(r.json()["errors"]) == ["client_contract_ref"]


def test_custom_field_values_are_stored(client, tenant, store, fields):
    created = make(client, tenant, client_contract_ref=" C-1 ", client_region="North")

    stored = dict(custom_values(store, tenant.id, created["id"]))
    assert stored == {fields["required"]["id"]: "C-1", fields["optional"]["id"]: "North"}


def test_update_also_requires_required_custom_fields(client, tenant, store, fields):
    created = make(client, tenant, client_contract_ref="C-1")

    r = client.patch(f"{BASE}/{created['id']}", data={"client_company_name": "New"},
                     headers=tenant.headers)
    assert r.status_code == 422
    assert r.json() == one("client_contract_ref", "The client contract ref field is required.")

    r = client.patch(f"{BASE}/{created['id']}",
                     data={"client_company_name": "New", "client_contract_ref": "C-2"},
                     headers=tenant.headers)
    assert r.status_code == 200
    assert dict(custom_values(store, tenant.id, created["id"]))[fields["required"]["id"]] == "C-2"


def test_every_broken_rule_is_reported_at_once(client, tenant, store, fields):
    make(client, tenant, email="taken@example.test", client_contract_ref="x")

    r = client.post(BASE, data={"email": "taken@example.test", "client_categoryid": 999_999_999,
                                "client_phone": "x" * 51}, headers=tenant.headers)

    assert r.status_code == 422
    assert r.json() == invalid({
        "first_name": ["The first name field is required."],
        "last_name": ["The last name field is required."],
        "client_phone": ["The client phone field must not be greater than 50 characters."],
        "email": ["The email has already been taken."],
        "client_categoryid": ["The selected client categoryid is invalid."],
        "client_contract_ref": ["The client contract ref field is required."],
    })
    assert count_clients(tenant.store, tenant.id) == 1


def test_store_refusals_are_reported_with_the_other_broken_rules(client, tenant, fields):
    make(client, tenant, email="taken@example.test", client_contract_ref="x")

    r = client.post(BASE, data=person(email="taken@example.test", client_categoryid=999_999_999),
                    headers=tenant.headers)

    assert r.status_code == 422
    assert r.json()["errors"] == {
        "client_categoryid": ["The selected client categoryid is invalid."],
        "email": ["The email has already been taken."],
        "client_contract_ref": ["The client contract ref field is required."],
    }


# -- update -------------------------------------------------------------------------------------


def test_update_changes_what_is_sent_and_clears_what_is_sent_empty(client, tenant):
    created = make(client, tenant, client_phone="+1 555", client_vat="GB1",
                   client_description="Old", client_billing_invoice_due_days="7")

    r = client.patch(f"{BASE}/{created['id']}",
                     data={"client_company_name": "Renamed", "client_phone": "",
                           "client_billing_invoice_due_days": "", "client_shipping_zip": "LS1"},
                     headers=tenant.headers)

    assert r.status_code == 200
    data = r.json()["data"]
    assert (data["company_name"], data["phone"], data["vat"], data["description"]) == (
        "Renamed", None, "GB1", "Old")
    assert data["billing"]["invoice_due_days"] is None
    assert data["shipping"]["zip"] == "LS1"
    assert data["category"] == created["category"] and data["tags"] == created["tags"]


def test_update_never_changes_the_owner_or_status_or_tags(client, tenant):
    created = make(client, tenant, **{"tags[]": ["a"]})
    other = make(client, tenant, "Other", "User")

    r = client.patch(f"{BASE}/{created['id']}",
                     json={"client_company_name": "X", "owner": other["owner"]["id"],
                           "status": "suspended", "tags": [], "first_name": "Z",
                           "email": "someone@example.test"},
                     headers=tenant.headers)

    assert r.status_code == 200
    data = r.json()["data"]
    assert data["owner"] == created["owner"]
    assert (data["status"], data["tags"]) == ("active", ["a"])


def test_update_keeps_the_category_when_none_is_sent(client, tenant, store):
    standard = store.categories.create(tenant.id, "Standard")
    created = make(client, tenant, client_categoryid=standard["id"])

    r = client.patch(f"{BASE}/{created['id']}",
                     data={"client_company_name": "X", "client_categoryid": ""},
                     headers=tenant.headers)

    assert r.json()["data"]["category"]["id"] == standard["id"]


# -- actions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "tags"), [
    ({"data": {"tags[]": ["x", "y"]}}, ["x", "y"]),
    ({"json": {"tags": ["y", "x", "y"]}}, ["y", "x"]),
    ({"data": {"tags": ""}}, []),
    ({"data": {"tags[]": ""}}, []),
    ({"json": {"tags": []}}, []),
    ({"json": {"tags": None}}, []),
    ({"json": {"tags": ["", "  "]}}, []),
])
def test_set_tags_replaces_the_whole_set(client, tenant, store, kwargs, tags):
    created = make(client, tenant, **{"tags[]": ["a", "b"]})

    r = client.put(f"{BASE}/{created['id']}/tags", headers=tenant.headers, **kwargs)

    assert r.status_code == 200, r.text
    assert r.json()["data"]["tags"] == tags
    assert tag_rows(store, tenant.id, created["id"]) == tags


def test_status_goes_both_ways(client, tenant):
    created = make(client, tenant)
    path = f"{BASE}/{created['id']}/status"

    assert client.put(path, json={"status": "suspended"}, headers=tenant.headers
                      ).json()["data"]["status"] == "suspended"
    assert client.put(path, data={"status": "active"}, headers=tenant.headers
                      ).json()["data"]["status"] == "active"


def test_owner_must_already_belong_to_the_client(client, tenant, other_tenant, store):
    created = make(client, tenant)
    other = make(client, tenant, "Other", "Client")
    stranger = make(client, other_tenant, "Stranger", "Danger")
    contact = store.users.create(Scope(tenant.id), client_id=None, first_name="Loose",
                                 last_name="Contact", email="loose@example.test", kind="contact")
    path = f"{BASE}/{created['id']}/owner"

    for user_id in (other["owner"]["id"], stranger["owner"]["id"], contact["id"], 999_999_999):
        r = client.put(path, data={"owner": user_id}, headers=tenant.headers)
        assert r.status_code == 422
        assert r.json() == one("owner", "The selected owner is invalid.")
    assert client.get(f"{BASE}/{created['id']}", headers=tenant.headers
                      ).json()["data"]["owner"] == created["owner"]


def test_owner_replaces_the_previous_owner(client, tenant, store):
    created = make(client, tenant)
    member = store.users.create(Scope(tenant.id), client_id=created["id"], first_name="Sam",
                                last_name="Roe", email="sam@example.test")

    r = client.put(f"{BASE}/{created['id']}/owner", json={"owner": member["id"]},
                   headers=tenant.headers)

    assert r.status_code == 200
    assert r.json()["data"]["owner"] == {"id": member["id"], "name": "Sam Roe"}
    owners = [u["id"] for u in users(tenant, created["id"]) if u["is_owner"]]
    assert owners == [member["id"]]


# -- delete -------------------------------------------------------------------------------------


def test_delete_removes_the_client_its_users_tags_and_custom_values(client, tenant, store,
                                                                    fields):
    doomed = make(client, tenant, client_contract_ref="C", send_email="yes",
                  **{"tags[]": ["a"]})
    store.users.create(Scope(tenant.id), client_id=doomed["id"], first_name="Sam",
                       last_name="Roe", email="sam@example.test")
    kept = make(client, tenant, "Kept", "One", client_contract_ref="K")

    r = client.delete(f"{BASE}/{doomed['id']}", headers=tenant.headers)

    assert r.status_code == 200
    assert r.json() == {"data": {"id": doomed["id"]}, "message": "Client deleted successfully."}
    assert client.get(f"{BASE}/{doomed['id']}", headers=tenant.headers).status_code == 404
    assert [u["client_id"] for u in users(tenant)] == [kept["id"]]
    assert tag_rows(store, tenant.id, doomed["id"]) == []
    assert custom_values(store, tenant.id, doomed["id"]) == []
    assert custom_values(store, tenant.id, kept["id"]) != []
    # The welcome email already queued is still owed. It names the client it was about, an id
    # no other client of the tenant will ever take.
    assert [m["client_id"] for m in outbox(tenant)] == [doomed["id"]]
    assert client.delete(f"{BASE}/{doomed['id']}", headers=tenant.headers).status_code == 404


def test_head_answers_like_get_without_a_body(client, tenant):
    created = make(client, tenant)
    r = client.head(f"{BASE}/{created['id']}", headers=tenant.headers)
    assert r.status_code == 200 and r.content == b""
