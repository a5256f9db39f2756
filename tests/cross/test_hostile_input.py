"""Input built to break a server gets each dialect's own 4xx (or its plain answer) and writes
nothing; and what a search or an email comparison finds does not depend on the database. On
SQLite and PostgreSQL."""

from __future__ import annotations

import unicodedata

import pytest

from core.scope import Scope
from tests.conformance.vendors import VENDORS
from tests.conftest import count_clients

#: The search parameter of each dialect that has one, and where its list keeps the clients.
SEARCH = {
    "outlign": ("/outlign/api/v1/clients", "title", None),
    "fullengage": ("/fullengage/api/v1/clients", "query", "data"),
    "talynce": ("/talynce/api/v1/clients", "search", "data"),
    "growcrm": ("/growcrm/api/clients", "search", "data"),
}
FORM_DIALECTS = ["outlign", "growcrm", "gitscrum"]
#: The status each dialect gives a body whose fields are all wrong or missing.
REFUSED = {"outlign": 422, "growcrm": 422, "gitscrum": 422, "fullengage": 400, "talynce": 400}
#: The field each dialect's create requires first.
NAME_FIELD = {"outlign": "title", "growcrm": "first_name", "gitscrum": "name",
              "fullengage": "name", "talynce": "name"}


def names(response, key) -> list[str]:
    items = response.json() if key is None else response.json()[key]
    return [c.get("title") or c.get("name") or c.get("company_name") for c in items]


@pytest.mark.parametrize("name", FORM_DIALECTS)
def test_a_form_field_nested_500_deep_is_dropped_as_php_drops_it(client, tenant, name):
    field = "a" + "[x]" * 500
    r = client.post(f"/{name}{VENDORS[name].create}", content=f"{field}=1".encode(),
                    headers={**tenant.headers,
                             "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == REFUSED[name], r.text
    assert count_clients(tenant.store, tenant.id) == 0


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_json_value_nested_1000_deep_is_refused(client, tenant, name):
    deep = "[" * 1000 + "]" * 1000
    body = f'{{"{NAME_FIELD[name]}": {deep}, "tags": {deep}, "company_slug": "main"}}'
    r = client.post(f"/{name}{VENDORS[name].create}", content=body.encode(),
                    headers={**tenant.headers, "Content-Type": "application/json"})
    assert r.status_code in (400, REFUSED[name]), r.text
    assert "error" in r.json() or "message" in r.json()
    assert count_clients(tenant.store, tenant.id) == 0


@pytest.mark.parametrize("name", sorted(SEARCH))
@pytest.mark.parametrize("term", ["x" * 60_000, "_" * 30_000, "%" * 20_000],
                         ids=["60k letters", "30k underscores", "20k percents"])
def test_a_search_term_beyond_any_value_finds_nothing(client, tenant, name, term):
    tenant.store.clients.create(Scope(tenant.id), {"name": "_" * 200})
    path, param, key = SEARCH[name]
    r = client.get(path, params={param: term}, headers=tenant.headers)
    assert r.status_code == 200, r.text[:300]
    assert names(r, key) == []


@pytest.mark.parametrize("name", sorted(SEARCH))
@pytest.mark.parametrize(("stored", "asked"), [
    ("Über Logistik", "über"), ("Über Logistik", "ÜBER LOG"), ("ÅSE Shipping", "åse"),
    ("ΟΔΟΣ Ltd", "οδοσ"), ("Straße AG", "STRAßE"), ("МОСКВА Trade", "москва"),
])
def test_search_is_case_insensitive_for_all_of_unicode(client, tenant, name, stored, asked):
    scope = Scope(tenant.id)
    tenant.store.clients.create(scope, {"name": stored})
    tenant.store.clients.create(scope, {"name": "Unrelated"})
    path, param, key = SEARCH[name]
    r = client.get(path, params={param: asked}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert names(r, key) == [stored]


GROWCRM = "/growcrm/api/clients"


def person(email: str) -> dict[str, str]:
    return {"first_name": "Jane", "last_name": "Doe", "email": email}


@pytest.mark.parametrize(("first", "second"), [
    ("jane@acme.example", "ｊａｎｅ@acme.example"),            # full-width letters
    ("JANE@ACME.EXAMPLE", "jane@acme.example"),                # case
    (unicodedata.normalize("NFD", "rené@acme.example"), "rené@acme.example"),  # NFD and NFC
    ("strasse@acme.example", "STRASSE@ACME.EXAMPLE"),
])
def test_emails_that_are_the_same_address_are_one_address(client, tenant, first, second):
    made = client.post(GROWCRM, json=person(first), headers=tenant.headers)
    assert made.status_code == 201, made.text
    again = client.post(GROWCRM, json=person(second), headers=tenant.headers)
    assert again.status_code == 422, again.text
    assert again.json()["errors"] == {"email": ["The email has already been taken."]}
    assert count_clients(tenant.store, tenant.id) == 1


@pytest.mark.parametrize("email", ["jane@acme.example\u200b", "ja\u200dne@acme.example",
                                   "\ufeffjane@acme.example"],
                         ids=["trailing zero-width space", "zero-width joiner", "BOM"])
def test_an_email_with_invisible_characters_is_refused(client, tenant, email):
    r = client.post(GROWCRM, json=person(email), headers=tenant.headers)
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == {"email": ["The email field must be a valid email address."]}
    assert count_clients(tenant.store, tenant.id) == 0
