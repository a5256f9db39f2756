"""Outlign where the seed is silent: Laravel's answers (docs/dialects/outlign.md)."""

from __future__ import annotations

import pytest

from tests.conftest import count_clients

BASE = "/outlign/api/v1/clients"


def make(client, tenant, title, workspace=None):
    r = client.post(BASE, json={"title": title, "company_id": (workspace or tenant.workspace)["id"]},
                    headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_title_filter_is_a_case_insensitive_partial_match(client, tenant):
    make(client, tenant, "Acme Corporation")
    make(client, tenant, "Beta Industries")
    make(client, tenant, "ACME Labs")

    titles = [c["title"] for c in client.get(BASE, params={"title": "acme"},
                                             headers=tenant.headers).json()]

    assert titles == ["Acme Corporation", "ACME Labs"]


def test_title_filter_treats_like_wildcards_literally(client, tenant):
    make(client, tenant, "100% Organic")
    make(client, tenant, "100 Percent")

    titles = [c["title"] for c in client.get(BASE, params={"title": "0%"},
                                             headers=tenant.headers).json()]

    assert titles == ["100% Organic"]


def test_per_page_and_page_walk_the_list_in_id_order(client, tenant):
    ids = [make(client, tenant, f"Client {i}")["id"] for i in range(5)]

    pages = [
        [c["id"] for c in client.get(BASE, params={"per_page": 2, "page": p},
                                     headers=tenant.headers).json()]
        for p in (1, 2, 3, 4)
    ]

    assert pages == [ids[0:2], ids[2:4], ids[4:5], []]


def test_per_page_defaults_to_laravels_15(client, tenant):
    for i in range(17):
        make(client, tenant, f"C{i}")
    assert len(client.get(BASE, headers=tenant.headers).json()) == 15


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"per_page": 1001}, "per_page", "The per page field must not be greater than 1000."),
        ({"per_page": 0}, "per_page", "The per page field must be at least 1."),
        ({"per_page": "ten"}, "per_page", "The per page field must be an integer."),
        ({"company_id": "abc"}, "company_id", "The company id field must be an integer."),
        ({"company_id": 999999999}, "company_id", "The selected company id is invalid."),
    ],
)
def test_bad_list_parameters_are_laravel_422s(client, tenant, params, field, message):
    r = client.get(BASE, params=params, headers=tenant.headers)
    assert r.status_code == 422
    assert r.json() == {"message": message, "errors": {field: [message]}}


def test_list_without_company_id_spans_every_workspace_of_the_tenant(client, tenant, other_tenant):
    a = make(client, tenant, "In main")
    b = make(client, tenant, "In other", tenant.other_workspace)
    make(client, other_tenant, "Not mine")

    assert client.get(BASE, headers=tenant.headers).json() == [a, b]


def test_create_requires_title_and_company_id(client, tenant):
    r = client.post(BASE, json={}, headers=tenant.headers)

    assert r.status_code == 422
    assert r.json() == {
        "message": "The title field is required. (and 1 more error)",
        "errors": {"title": ["The title field is required."],
                   "company_id": ["The company id field is required."]},
    }
    assert count_clients(tenant.store, tenant.id) == 0


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"title": "   ", "company_id": None}, {"title": ["The title field is required."],
                                                  "company_id": ["The company id field is required."]}),
        ({"title": 12, "company_id": True}, {"title": ["The title field must be a string."],
                                             "company_id": ["The company id field must be an integer."]}),
        ({"title": "x" * 256}, {"title": ["The title field must not be greater than 255 characters."],
                                "company_id": ["The company id field is required."]}),
        ({"title": "ok", "company_id": 10**30}, {"company_id": ["The selected company id is invalid."]}),
        ({"title": "nul\x00byte", "company_id": None}, {"company_id": ["The company id field is required."]}),
        ({"title": "nul\x00byte"}, {"company_id": ["The company id field is required."]}),
    ],
)
def test_invalid_bodies_write_nothing(client, tenant, body, errors):
    r = client.post(BASE, json=body, headers=tenant.headers)

    assert r.status_code == 422
    assert r.json()["errors"] == errors
    assert count_clients(tenant.store, tenant.id) == 0


def test_nul_byte_in_title_is_rejected_not_a_500(client, tenant):
    r = client.post(BASE, json={"title": "a\x00b", "company_id": tenant.workspace["id"]},
                    headers=tenant.headers)

    assert r.status_code == 422
    assert r.json()["errors"] == {"title": ["The title field format is invalid."]}
    assert count_clients(tenant.store, tenant.id) == 0


def test_company_of_another_tenant_is_invalid(client, tenant, other_tenant):
    r = client.post(BASE, json={"title": "x", "company_id": other_tenant.other_workspace["id"]},
                    headers=tenant.headers)
    assert r.status_code == 422
    assert r.json()["errors"] == {"company_id": ["The selected company id is invalid."]}


def test_workspace_limited_key_cannot_use_another_company(client, tenant):
    elsewhere = make(client, tenant, "Elsewhere", tenant.other_workspace)
    r = client.post(BASE, json={"title": "x", "company_id": tenant.other_workspace["id"]},
                    headers=tenant.limited_headers)

    assert r.status_code == 422
    assert client.get(f"{BASE}/{elsewhere['id']}", headers=tenant.limited_headers).status_code == 404
    assert client.get(BASE, headers=tenant.limited_headers).json() == []


def test_form_encoded_bodies_work_as_in_laravel(client, tenant):
    r = client.post(BASE, data={"title": "Form Corp", "company_id": str(tenant.workspace["id"])},
                    headers=tenant.headers)
    assert r.status_code == 201
    assert r.json()["title"] == "Form Corp"


def test_malformed_json_is_no_input_and_writes_nothing(client, tenant):
    """Laravel's ``Request::json()`` reads nothing from a body it cannot decode: the create is
    the usual required-field 422, not a 400."""
    r = client.post(BASE, content=b'{"title": ', headers={**tenant.headers,
                                                           "Content-Type": "application/json"})
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"title", "company_id"}
    assert count_clients(tenant.store, tenant.id) == 0


def test_other_content_types_are_no_input(client, tenant):
    r = client.post(BASE, content=b"title=x", headers={**tenant.headers,
                                                        "Content-Type": "text/plain"})
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"title", "company_id"}


def test_update_with_empty_title_is_required_error(client, tenant):
    c = make(client, tenant, "Keep")
    r = client.put(f"{BASE}/{c['id']}", json={"title": ""}, headers=tenant.headers)
    assert r.status_code == 422
    assert r.json()["errors"] == {"title": ["The title field is required."]}
    assert client.get(f"{BASE}/{c['id']}", headers=tenant.headers).json()["title"] == "Keep"


def test_update_without_title_changes_nothing_but_is_ok(client, tenant):
    c = make(client, tenant, "Keep")
    r = client.put(f"{BASE}/{c['id']}", json={}, headers=tenant.headers)
    assert r.status_code == 200
    assert r.json()["title"] == "Keep"


@pytest.mark.parametrize("key", ["999999999", "abc", "-1", "99999999999999999999999"])
@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_unknown_ids_are_laravel_model_404s(client, tenant, method, key):
    r = getattr(client, method)(f"{BASE}/{key}", headers=tenant.headers)
    assert r.status_code == 404
    assert r.json() == {"message": f"No query results for model [App\\Models\\Client] {key}"}
