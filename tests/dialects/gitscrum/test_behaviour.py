"""GitScrum where the seed is silent: company_slug scoping, Laravel input rules, GitScrum's
documented error bodies (docs/dialects/gitscrum.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.scope import Scope
from tests.conftest import count_clients

from .common import BASE, LIST, invalid, make, stored

REQUIRED = invalid({"company_slug": ["The company slug field is required."]})
UNKNOWN = invalid({"company_slug": ["The selected company slug is invalid."]})


def call(client, tenant, method, path, slug=None, headers=None, **body):
    """One of the four endpoints with ``company_slug`` where that method takes it."""
    headers = headers or tenant.headers
    if method == "GET":
        params = {} if slug is None else {"company_slug": slug}
        return client.get(path, params=params, headers=headers)
    payload = body if slug is None else {"company_slug": slug, **body}
    return client.request(method, path, json=payload, headers=headers)


def endpoints(client, tenant):
    """(method, path, body) for each endpoint, on a client of the workspace "main"."""
    target = make(client, tenant, "Target")
    return [("GET", LIST, {}), ("GET", f"{BASE}/{target['uuid']}", {}),
            ("POST", BASE, {"name": "New"}), ("PUT", f"{BASE}/{target['uuid']}", {"notes": "x"})]


def test_company_slug_is_required_everywhere_but_on_an_update(client, tenant):
    """The seed marks it required; GitScrum's own client updates without it
    (docs/dialects/gitscrum.md), where the uuid within the key's reach names the client."""
    for method, path, body in endpoints(client, tenant):
        r = call(client, tenant, method, path, **body)
        if method == "PUT":
            assert r.status_code == 200, r.text
        else:
            assert (r.status_code, r.json()) == (422, REQUIRED), (method, path)
    assert count_clients(tenant.store, tenant.id) == 1


@pytest.mark.parametrize("slug", ["nope", "elsewhere", "MAIN", "main/", "", "   ", "x" * 300])
def test_a_slug_naming_no_workspace_of_the_tenant_is_the_documented_422(
        client, tenant, other_tenant, slug):
    other_tenant.store.workspaces.create(other_tenant.id, "elsewhere")
    for method, path, body in endpoints(client, tenant):
        r = call(client, tenant, method, path, slug=slug, **body)
        expected = REQUIRED if not slug.strip() else UNKNOWN
        assert (r.status_code, r.json()) == (422, expected), (method, path)
    assert count_clients(tenant.store, tenant.id) == 1


def test_a_workspace_limited_key_cannot_name_another_workspace(client, tenant):
    elsewhere = make(client, tenant, "Elsewhere", slug="other")
    limited = tenant.limited_headers
    for method, path, body in endpoints(client, tenant):
        r = call(client, tenant, method, path, slug="other", headers=limited, **body)
        assert (r.status_code, r.json()) == (422, UNKNOWN), (method, path)
        assert call(client, tenant, method, path, slug="main", headers=limited,
                    **body).status_code in (200, 201)
    assert stored(tenant, elsewhere["uuid"])["notes"] is None


def test_a_client_is_reachable_only_through_its_own_workspaces_slug(client, tenant):
    mine = make(client, tenant, "In other", slug="other")
    path = f"{BASE}/{mine['uuid']}"
    before = stored(tenant, mine["uuid"])

    assert call(client, tenant, "GET", path, slug="main").status_code == 404
    r = call(client, tenant, "PUT", path, slug="main", name="Moved?")
    assert r.status_code == 404
    assert r.json() == {"error": "Not Found", "message": "The requested resource was not found.",
                        "error_code": "CLIENT_NOT_FOUND"}
    assert stored(tenant, mine["uuid"]) == before
    assert call(client, tenant, "GET", path, slug="other").json() == {"data": mine}
    assert call(client, tenant, "GET", LIST, slug="main").json() == {"data": []}


def test_another_tenants_clients_are_not_found_through_a_slug_of_the_same_name(
        client, tenant, other_tenant):
    theirs = make(client, other_tenant, "Theirs", slug="main")
    mine = make(client, tenant, "Mine", slug="main")

    assert call(client, tenant, "GET", LIST, slug="main").json() == {"data": [mine]}
    assert call(client, tenant, "GET", f"{BASE}/{theirs['uuid']}", slug="main").status_code == 404
    assert call(client, tenant, "PUT", f"{BASE}/{theirs['uuid']}", slug="main",
                name="Hijack").status_code == 404
    assert stored(other_tenant, theirs["uuid"])["name"] == "Theirs"


def test_update_changes_only_the_fields_sent_and_null_or_empty_clears(client, tenant):
    c = make(client, tenant, "Keep", email="a@b.co", phone="+1", notes="old")
    r = call(client, tenant, "PUT", f"{BASE}/{c['uuid']}", slug="main", email=None, phone="",
             notes="  new  ")
    assert r.status_code == 200
    assert r.json() == {"data": {**c, "email": None, "phone": None, "notes": "new"}}


@pytest.mark.parametrize("name", [None, "", "   "])
def test_update_cannot_clear_the_name(client, tenant, name):
    c = make(client, tenant, "Keep")
    r = call(client, tenant, "PUT", f"{BASE}/{c['uuid']}", slug="main", name=name)
    assert (r.status_code, r.json()) == (422, invalid({"name": ["The name field is required."]}))
    assert stored(tenant, c["uuid"])["name"] == "Keep"


def test_update_with_only_the_slug_answers_the_client(client, tenant):
    c = make(client, tenant, "Same")
    assert call(client, tenant, "PUT", f"{BASE}/{c['uuid']}", slug="main").json() == {"data": c}


def test_create_requires_name_and_company_slug(client, tenant):
    r = client.post(BASE, json={}, headers=tenant.headers)
    assert r.status_code == 422
    assert r.json() == invalid({"name": ["The name field is required."],
                                "company_slug": ["The company slug field is required."]})
    assert count_clients(tenant.store, tenant.id) == 0


def test_read_only_and_unknown_fields_are_ignored_as_laravel_does(client, tenant):
    c = make(client, tenant, "Plain", projects_count=9, invoices_total=5, uuid="x", status="x")
    assert (c["projects_count"], c["invoices_total"]) == (0, 0)
    assert stored(tenant, c["uuid"])["status"] == "active"


def test_company_slug_may_come_from_the_query_string_on_post_and_put(client, tenant):
    r = client.post(BASE, params={"company_slug": "other"}, json={"name": "Q"},
                    headers=tenant.headers)
    assert r.status_code == 201
    uuid_ = r.json()["data"]["uuid"]
    assert call(client, tenant, "GET", f"{BASE}/{uuid_}", slug="other").status_code == 200

    r = client.put(f"{BASE}/{uuid_}", params={"company_slug": "other"}, json={"notes": "q"},
                   headers=tenant.headers)
    assert (r.status_code, r.json()["data"]["notes"]) == (200, "q")


def test_the_body_wins_over_the_query_string(client, tenant):
    r = client.post(BASE, params={"company_slug": "nope"},
                    json={"company_slug": "main", "name": "Body wins"}, headers=tenant.headers)
    assert r.status_code == 201
    assert call(client, tenant, "GET", LIST, slug="main").json()["data"][0]["name"] == "Body wins"


def test_form_encoded_bodies_work_as_in_laravel(client, tenant):
    r = client.post(BASE, data={"company_slug": "main", "name": "Form Corp", "notes": ""},
                    headers=tenant.headers)
    assert r.status_code == 201
    assert (r.json()["data"]["name"], r.json()["data"]["notes"]) == ("Form Corp", None)


@pytest.mark.parametrize(("amount", "text"), [
    (Decimal("125000.00"), b'"invoices_total":125000,'),
    (Decimal("1250.50"), b'"invoices_total":1250.5,'),
    (Decimal("0.01"), b'"invoices_total":0.01,'),
    (Decimal("-99.90"), b'"invoices_total":-99.9,'),
])
def test_invoices_total_is_a_json_number_integral_when_whole(client, tenant, amount, text):
    c = make(client, tenant)
    tenant.store.clients.update(Scope(tenant.id), uuid=c["uuid"],
                                values={"invoices_total": amount})
    for r in (call(client, tenant, "GET", f"{BASE}/{c['uuid']}", slug="main"),
              call(client, tenant, "GET", LIST, slug="main")):
        assert text in r.content


def test_there_is_no_delete(client, tenant):
    c = make(client, tenant)
    r = client.delete(f"{BASE}/{c['uuid']}", params={"company_slug": "main"},
                      headers=tenant.headers)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD, PUT"
    assert r.json() == {
        "error": "Method Not Allowed",
        "message": f"The DELETE method is not supported for route contact-companies/"
                   f"{c['uuid']}. Supported methods: GET, HEAD, PUT.",
        "error_code": "METHOD_NOT_ALLOWED",
    }
    assert count_clients(tenant.store, tenant.id) == 1


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_the_list_path_is_not_a_uuid(client, tenant, method):
    """``/contact-companies/clients`` is the list's path for every method (OpenAPI matches a
    concrete path before a template): ``PUT`` there is a 405, not an update of client "clients"."""
    c = make(client, tenant)
    r = call(client, tenant, method, LIST, slug="main", name="Renamed")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"
    assert r.json()["message"] == (f"The {method} method is not supported for route "
                                   "contact-companies/clients. Supported methods: GET, HEAD.")
    assert stored(tenant, c["uuid"])["name"] == c["name"]
    assert count_clients(tenant.store, tenant.id) == 1
