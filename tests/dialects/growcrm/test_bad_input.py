"""Bad input of every kind gets a 4xx in Grow CRM's body and writes nothing, on SQLite and
PostgreSQL: on create no client, user or email appears; on an update the client stays as it
was."""

from __future__ import annotations

import pytest

from tests.conftest import count_clients

from .common import BASE, invalid, make, one, outbox, person, users

JSON_TYPE = {"Content-Type": "application/json"}
NOT_FOUND = {"message": "Client not found."}
NOTHING_GIVEN = invalid({
    "first_name": ["The first name field is required."],
    "last_name": ["The last name field is required."],
    "email": ["The email field is required."],
})


def msg(rule: str, field: str, **params) -> str:
    from dialects.laravel import message

    return message(rule, field, **params)


def assert_nothing_written(tenant, clients: int = 0) -> None:
    assert count_clients(tenant.store, tenant.id) == clients
    assert len(users(tenant)) == clients
    assert outbox(tenant) == []


# -- routes, ids --------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["999999999", "abc", "-1", "0", "1.5", "1e3", "%20",
                                 "99999999999999999999999", "\u0661\u0662"])
@pytest.mark.parametrize(("method", "suffix", "body"), [
    ("get", "", None), ("patch", "", {"client_company_name": "X"}), ("delete", "", None),
    ("put", "/tags", {"tags": ["a"]}), ("put", "/status", {"status": "active"}),
    ("put", "/owner", {"owner": 1}),
])
def test_unknown_or_malformed_ids_are_404s(client, tenant, method, suffix, body, key):
    kwargs = {} if body is None else {"json": body}
    r = getattr(client, method)(f"{BASE}/{key}{suffix}", headers=tenant.headers, **kwargs)
    assert r.status_code == 404
    assert r.json() == NOT_FOUND


@pytest.mark.parametrize(("method", "suffix"), [
    ("get", ""), ("patch", ""), ("delete", ""), ("put", "/tags"), ("put", "/status"),
    ("put", "/owner"),
])
def test_another_tenants_client_is_a_404(client, tenant, other_tenant, method, suffix):
    theirs = make(client, other_tenant)
    r = client.request(method.upper(), f"{BASE}/{theirs['id']}{suffix}", headers=tenant.headers,
                       data={"client_company_name": "Mine", "tags": "", "status": "active",
                             "owner": theirs["owner"]["id"]})
    assert r.status_code == 404
    assert r.json() == NOT_FOUND
    assert client.get(f"{BASE}/{theirs['id']}", headers=other_tenant.headers
                      ).json()["data"] == theirs


@pytest.mark.parametrize("suffix", ["", "/tags", "/status", "/owner"])
def test_an_unknown_client_is_a_404_even_with_an_invalid_body(client, tenant, suffix):
    method = client.patch if suffix == "" else client.put
    r = method(f"{BASE}/999999999{suffix}", json={"owner": "x", "tags": 5, "status": 1},
               headers=tenant.headers)
    assert r.status_code == 404
    assert r.json() == NOT_FOUND


# -- bodies that are not input ------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "headers", "status", "body"), [
    # What Laravel's Request::json() cannot decode, or decodes to no object, is no input.
    (b'{"first_name": ', JSON_TYPE, 422, NOTHING_GIVEN),
    (b'["first_name"]', JSON_TYPE, 422, NOTHING_GIVEN),
    (b'"x"', JSON_TYPE, 422, NOTHING_GIVEN),
    (b'{"first_name": "\xff"}', JSON_TYPE, 422, NOTHING_GIVEN),
    (b'{"first_name": 1e400}', JSON_TYPE, 422, NOTHING_GIVEN),
    (b'{"first_name": "Jane"}', {"Content-Type": "text/plain"}, 422, NOTHING_GIVEN),
    (b"<client/>", {"Content-Type": "application/xml"}, 422, NOTHING_GIVEN),
    (b"", {}, 422, NOTHING_GIVEN),
    (b"{}", JSON_TYPE, 422, NOTHING_GIVEN),
])
def test_bodies_that_are_no_valid_input(client, tenant, raw, headers, status, body):
    r = client.post(BASE, content=raw, headers={**tenant.headers, **headers})
    assert r.status_code == status
    assert r.json() == body
    assert_nothing_written(tenant)


# -- create rules -------------------------------------------------------------------------------

LONG = "x" * 256
CREATE_CASES = {
    "names are numbers": ({"first_name": 12, "last_name": 1.5},
                          {"first_name": [msg("string", "first_name")],
                           "last_name": [msg("string", "last_name")]}),
    "names are lists": ({"first_name": ["a"], "last_name": {"a": 1}},
                        {"first_name": [msg("string", "first_name")],
                         "last_name": [msg("string", "last_name")]}),
    "blank names": ({"first_name": "  ", "last_name": None},
                    {"first_name": [msg("required", "first_name")],
                     "last_name": [msg("required", "last_name")]}),
    "long names": ({"first_name": LONG, "last_name": LONG},
                   {"first_name": [msg("max.string", "first_name", max=255)],
                    "last_name": [msg("max.string", "last_name", max=255)]}),
    "email not an email": ({"email": "jane"}, {"email": [msg("email", "email")]}),
    "email is a number": ({"email": 5}, {"email": [msg("string", "email")]}),
    "email too long": ({"email": "j@" + "x" * 250 + ".test"},
                       {"email": [msg("email", "email"), msg("max.string", "email", max=255)]}),
    "company name is a number": ({"client_company_name": 10**30},
                                 {"client_company_name": [msg("string", "client_company_name")]}),
    "company name too long": ({"client_company_name": LONG},
                              {"client_company_name": [msg("max.string", "client_company_name",
                                                           max=255)]}),
    "phone too long": ({"client_phone": "1" * 51},
                       {"client_phone": [msg("max.string", "client_phone", max=50)]}),
    "zip too long": ({"client_shipping_zip": "1" * 51},
                     {"client_shipping_zip": [msg("max.string", "client_shipping_zip", max=50)]}),
    "website too long": ({"client_website": "h" * 2049},
                         {"client_website": [msg("max.string", "client_website", max=2048)]}),
    "city is true": ({"client_billing_city": True},
                     {"client_billing_city": [msg("string", "client_billing_city")]}),
    "category is text": ({"client_categoryid": "abc"},
                         {"client_categoryid": [msg("integer", "client_categoryid")]}),
    "category is true": ({"client_categoryid": True},
                         {"client_categoryid": [msg("integer", "client_categoryid")]}),
    "category is a fraction": ({"client_categoryid": 1.5},
                               {"client_categoryid": [msg("integer", "client_categoryid")]}),
    "category is huge": ({"client_categoryid": 10**30},
                         {"client_categoryid": [msg("exists", "client_categoryid")]}),
    "category is negative": ({"client_categoryid": -1},
                             {"client_categoryid": [msg("exists", "client_categoryid")]}),
    "category unknown": ({"client_categoryid": 999_999_999},
                         {"client_categoryid": [msg("exists", "client_categoryid")]}),
    "due days negative": ({"client_billing_invoice_due_days": -1},
                          {"client_billing_invoice_due_days": [
                              msg("min.numeric", "client_billing_invoice_due_days", min=0)]}),
    "due days huge": ({"client_billing_invoice_due_days": 2**31},
                      {"client_billing_invoice_due_days": [
                          msg("max.numeric", "client_billing_invoice_due_days", max=2**31 - 1)]}),
    "due days text": ({"client_billing_invoice_due_days": "seven"},
                      {"client_billing_invoice_due_days": [
                          msg("integer", "client_billing_invoice_due_days")]}),
    "tags a string": ({"tags": "a"}, {"tags": [msg("array", "tags")]}),
    "tags an object": ({"tags": {"a": 1}}, {"tags": [msg("array", "tags")]}),
    "tags not strings": ({"tags": ["ok", 1, True]},
                         {"tags.1": [msg("string", "tags.1")],
                          "tags.2": [msg("string", "tags.2")]}),
    "tag too long": ({"tags": [LONG]}, {"tags.0": [msg("max.string", "tags.0", max=255)]}),
    "send_email a list": ({"send_email": ["yes"]}, {"send_email": [msg("string", "send_email")]}),
    "nul in first name": ({"first_name": "Ja\x00ne"},
                          {"first_name": [msg("format", "first_name")]}),
    "nul in description": ({"client_description": "a\x00b"},
                           {"client_description": [msg("format", "client_description")]}),
    "nul in a tag": ({"tags": ["a\x00b"]}, {"tags.0": [msg("format", "tags.0")]}),
}


@pytest.mark.parametrize(("fields", "errors"), CREATE_CASES.values(), ids=CREATE_CASES.keys())
def test_invalid_create_bodies_write_nothing(client, tenant, fields, errors):
    r = client.post(BASE, json={**person(send_email="yes"), **fields}, headers=tenant.headers)

    assert r.status_code == 422, r.text
    assert r.json() == invalid(errors)
    assert_nothing_written(tenant)


def test_category_of_another_tenant_is_invalid(client, tenant, other_tenant, store):
    theirs = store.categories.create(other_tenant.id, "Theirs")
    r = client.post(BASE, data=person(client_categoryid=theirs["id"]), headers=tenant.headers)
    assert r.json() == one("client_categoryid", "The selected client categoryid is invalid.")
    assert_nothing_written(tenant)


def test_a_too_long_custom_field_value_is_refused(client, tenant, store):
    store.custom_fields.create(tenant.id, "notes_extra")
    r = client.post(BASE, json=person(notes_extra="x" * 65_536), headers=tenant.headers)
    assert r.json() == one("notes_extra",
                           "The notes extra field must not be greater than 65535 characters.")
    assert_nothing_written(tenant)


def test_a_defaulted_company_name_is_held_to_its_limit(client, tenant):
    r = client.post(BASE, json=person("J" * 200, "D" * 200, "jd@example.test"),
                    headers=tenant.headers)
    assert r.json() == one("client_company_name",
                           "The client company name field must not be greater than 255 characters.")
    assert_nothing_written(tenant)


# -- update and action rules --------------------------------------------------------------------


@pytest.mark.parametrize(("body", "errors"), [
    ({}, {"client_company_name": [msg("required", "client_company_name")]}),
    ({"client_company_name": " "},
     {"client_company_name": [msg("required", "client_company_name")]}),
    ({"client_company_name": ["x"]},
     {"client_company_name": [msg("string", "client_company_name")]}),
    ({"client_company_name": "X", "client_vat": "v" * 51},
     {"client_vat": [msg("max.string", "client_vat", max=50)]}),
    ({"client_company_name": "X", "client_categoryid": 999_999_999},
     {"client_categoryid": [msg("exists", "client_categoryid")]}),
    ({"client_company_name": "X\x00"}, {"client_company_name": [msg("format",
                                                                    "client_company_name")]}),
])
def test_invalid_updates_change_nothing(client, tenant, body, errors):
    created = make(client, tenant, client_company_name="Keep")

    r = client.patch(f"{BASE}/{created['id']}", json=body, headers=tenant.headers)

    assert r.status_code == 422
    assert r.json() == invalid(errors)
    assert client.get(f"{BASE}/{created['id']}", headers=tenant.headers
                      ).json()["data"] == created


@pytest.mark.parametrize(("suffix", "body", "errors"), [
    ("/tags", {}, {"tags": [msg("required", "tags")]}),
    ("/tags", {"tags": "a"}, {"tags": [msg("array", "tags")]}),
    ("/tags", {"tags": [["a"]]}, {"tags.0": [msg("string", "tags.0")]}),
    ("/status", {}, {"status": [msg("required", "status")]}),
    ("/status", {"status": ""}, {"status": [msg("required", "status")]}),
    ("/status", {"status": "inactive"}, {"status": [msg("in", "status")]}),
    ("/status", {"status": 1}, {"status": [msg("in", "status")]}),
    ("/owner", {}, {"owner": [msg("required", "owner")]}),
    ("/owner", {"owner": "abc"}, {"owner": [msg("integer", "owner")]}),
    ("/owner", {"owner": True}, {"owner": [msg("integer", "owner")]}),
    ("/owner", {"owner": 10**30}, {"owner": [msg("exists", "owner")]}),
    ("/owner", {"owner": -5}, {"owner": [msg("exists", "owner")]}),
])
def test_invalid_actions_change_nothing(client, tenant, suffix, body, errors):
    created = make(client, tenant, **{"tags[]": ["keep"]})

    r = client.put(f"{BASE}/{created['id']}{suffix}", json=body, headers=tenant.headers)

    assert r.status_code == 422
    assert r.json() == invalid(errors)
    assert client.get(f"{BASE}/{created['id']}", headers=tenant.headers
                      ).json()["data"] == created


def test_a_form_without_the_tags_field_is_a_422_not_a_clear(client, tenant):
    created = make(client, tenant, **{"tags[]": ["keep"]})
    # What http_build_query(['tags' => []]) sends: nothing.
    r = client.put(f"{BASE}/{created['id']}/tags", content=b"",
                   headers={**tenant.headers,
                            "Content-Type": "application/x-www-form-urlencoded"})
    assert r.json() == one("tags", "The tags field is required.")


# -- list parameters ----------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"limit": 101}, "limit", "The limit field must not be greater than 100."),
    ({"limit": 0}, "limit", "The limit field must be at least 1."),
    ({"limit": "ten"}, "limit", "The limit field must be an integer."),
    ({"limit": ""}, "limit", "The limit field must be an integer."),
    ({"page": 0}, "page", "The page field must be at least 1."),
    ({"page": "1.5"}, "page", "The page field must be an integer."),
    ({"page": 2**63}, "page", "The page field must not be greater than 9223372036854775807."),
    ({"status": "inactive"}, "status", "The selected status is invalid."),
    ({"status": ""}, "status", "The selected status is invalid."),
    ({"sort": "client_id"}, "sort", "The selected sort is invalid."),
    ({"order": "up"}, "order", "The selected order is invalid."),
    ({"category_id": "two"}, "category_id", "The category id field must be an integer."),
    ({"category_id": 2**63}, "category_id", "The category id field must be an integer."),
    ({"search": "a\x00b"}, "search", "The search field format is invalid."),
])
def test_bad_list_parameters_are_422s(client, tenant, params, field, message):
    r = client.get(BASE, params=params, headers=tenant.headers)
    assert r.status_code == 422
    assert r.json() == one(field, message)


def test_a_page_past_the_end_is_empty_not_an_error(client, tenant):
    make(client, tenant)
    r = client.get(BASE, params={"page": 2**63 - 1, "limit": 100}, headers=tenant.headers)
    assert r.status_code == 200
    assert r.json()["data"] == []
    assert r.json()["meta"] == {"current_page": 2**63 - 1, "per_page": 100, "total": 1,
                                "last_page": 1}
