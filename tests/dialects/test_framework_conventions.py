"""What each vendor's framework does before its routes see a request: a trailing slash (Laravel
trims it, Next.js redirects with 308), an OPTIONS the route has no handler for (Laravel 200,
Next.js 204, with Allow, no credentials needed), and the method a Laravel POST spoofs
(X-HTTP-Method-Override, or ``_method`` in its form body or query string). Over HTTP, on both
backends."""

from __future__ import annotations

import pytest

LARAVEL = {"outlign": "/outlign/api/v1/clients", "growcrm": "/growcrm/api/clients",
           "gitscrum": "/gitscrum/contact-companies/clients?company_slug=main"}
NEXTJS = {"fullengage": "/fullengage/api/v1/clients", "talynce": "/talynce/api/v1/clients"}


def slashed(path: str) -> str:
    base, mark, query = path.partition("?")
    return f"{base}/{mark}{query}"


@pytest.mark.parametrize("name", sorted(LARAVEL))
def test_laravel_trims_a_trailing_slash(client, tenant, name):
    plain = client.get(LARAVEL[name], headers=tenant.headers)
    trailing = client.get(slashed(LARAVEL[name]), headers=tenant.headers)
    assert (trailing.status_code, trailing.json()) == (200, plain.json())


@pytest.mark.parametrize("name", sorted(NEXTJS))
def test_nextjs_redirects_a_trailing_slash_with_308(client, tenant, name):
    r = client.get(f"{NEXTJS[name]}/?limit=1&offset=0", headers=tenant.headers,
                   follow_redirects=False)
    assert r.status_code == 308
    assert r.headers["location"] == f"{NEXTJS[name]}?limit=1&offset=0"
    followed = client.get(f"{NEXTJS[name]}/?limit=1", headers=tenant.headers)
    assert followed.status_code == 200 and "data" in followed.json()


@pytest.mark.parametrize(("name", "allow"), [
    ("outlign", "GET,HEAD,POST"), ("growcrm", "GET,HEAD,POST"),
])
def test_laravel_answers_options_itself_with_200(client, name, allow):
    r = client.options(LARAVEL[name])  # no credentials: a CORS preflight carries none
    assert (r.status_code, r.headers["allow"], r.content) == (200, allow, b"")


@pytest.mark.parametrize("name", sorted(NEXTJS))
def test_nextjs_answers_options_itself_with_204(client, name):
    r = client.options(NEXTJS[name])
    assert (r.status_code, r.headers["allow"], r.content) == (204, "GET, HEAD, OPTIONS, POST",
                                                             b"")


def test_a_laravel_post_with_the_override_header_is_the_method_it_names(client, tenant):
    made = client.post("/outlign/api/v1/clients", headers=tenant.headers,
                       json={"title": "Before", "company_id": tenant.workspace["id"]}).json()
    r = client.post(f"/outlign/api/v1/clients/{made['id']}", json={"title": "After"},
                    headers={**tenant.headers, "X-HTTP-Method-Override": "PUT"})
    assert r.status_code == 200 and r.json()["title"] == "After"
    gone = client.post(f"/outlign/api/v1/clients/{made['id']}",
                       headers={**tenant.headers, "X-HTTP-Method-Override": "delete"})
    assert gone.status_code == 204
    # Only PUT, PATCH and DELETE: anything else leaves the POST a POST (here a 405).
    r = client.post(f"/outlign/api/v1/clients/{made['id']}",
                    headers={**tenant.headers, "X-HTTP-Method-Override": "GET"})
    assert r.status_code == 405


def test_nextjs_ignores_the_override_header(client, tenant):
    made = client.post("/talynce/api/v1/clients", headers=tenant.headers,
                       json={"name": "Stays"}).json()["data"]
    r = client.post(f"/talynce/api/v1/clients/{made['id']}",
                    headers={**tenant.headers, "X-HTTP-Method-Override": "DELETE"})
    assert r.status_code == 405
    assert client.get(f"/talynce/api/v1/clients/{made['id']}",
                      headers=tenant.headers).status_code == 200


def outlign_client(client, tenant, title: str = "Before") -> dict:
    r = client.post("/outlign/api/v1/clients", headers=tenant.headers,
                    json={"title": title, "company_id": tenant.workspace["id"]})
    assert r.status_code == 201, r.text
    return r.json()


def test_a_laravel_form_post_with_method_is_the_method_it_names(client, tenant):
    made = outlign_client(client, tenant)
    url = f"/outlign/api/v1/clients/{made['id']}"
    r = client.post(url, data={"_method": "PUT", "title": "After"}, headers=tenant.headers)
    assert r.status_code == 200 and r.json()["title"] == "After"
    assert client.get(url, headers=tenant.headers).json()["title"] == "After"
    gone = client.post(url, data={"_method": "delete"}, headers=tenant.headers)
    assert gone.status_code == 204
    assert client.get(url, headers=tenant.headers).status_code == 404


def test_method_in_a_multipart_body_as_php_clients_send_an_update(client, tenant):
    """PHP cannot parse a multipart PUT, so its clients POST the form with ``_method``."""
    made = client.post("/growcrm/api/clients", headers=tenant.headers,
                       json={"first_name": "Jane", "last_name": "Doe",
                             "email": "jane@acme.example", "client_company_name": "Before"})
    assert made.status_code == 201, made.text
    url = f"/growcrm/api/clients/{made.json()['data']['id']}"
    r = client.post(url, files={"_method": (None, "PATCH"),
                                "client_company_name": (None, "After")}, headers=tenant.headers)
    assert r.status_code == 200, r.text
    assert client.get(url, headers=tenant.headers).json()["data"]["company_name"] == "After"


def test_method_in_a_json_body_as_laravel_reads_its_input(client, tenant):
    made = outlign_client(client, tenant)
    url = f"/outlign/api/v1/clients/{made['id']}"
    r = client.post(url, json={"_method": "PUT", "title": "By JSON"}, headers=tenant.headers)
    assert r.status_code == 200 and r.json()["title"] == "By JSON"
    # A JSON create without it is a create, its body read once.
    created = client.post("/outlign/api/v1/clients", headers=tenant.headers,
                          json={"title": "Plain create", "company_id": tenant.workspace["id"]})
    assert created.status_code == 201 and created.json()["title"] == "Plain create"


def test_method_in_the_query_string_and_the_header_first(client, tenant):
    made = outlign_client(client, tenant)
    url = f"/outlign/api/v1/clients/{made['id']}"
    r = client.post(f"{url}?_method=PUT", json={"title": "By query"}, headers=tenant.headers)
    assert r.status_code == 200 and r.json()["title"] == "By query"
    # The header is read first: a form's _method does not undo it.
    r = client.post(url, data={"_method": "DELETE", "title": "By header"},
                    headers={**tenant.headers, "X-HTTP-Method-Override": "PUT"})
    assert r.status_code == 200 and r.json()["title"] == "By header"


@pytest.mark.parametrize("spoofed", ["GET", "POST", "PURGE", "", "PUT\x00"])
def test_a_method_that_cannot_be_spoofed_leaves_the_post(client, tenant, spoofed):
    made = outlign_client(client, tenant, "Kept")
    url = f"/outlign/api/v1/clients/{made['id']}"
    r = client.post(url, data={"_method": spoofed, "title": "Changed"}, headers=tenant.headers)
    assert r.status_code == 405
    assert client.get(url, headers=tenant.headers).json()["title"] == "Kept"


def test_a_form_create_still_reads_its_body(client, tenant):
    r = client.post("/outlign/api/v1/clients", headers=tenant.headers,
                    data={"title": "Form made", "company_id": str(tenant.workspace["id"])})
    assert r.status_code == 201 and r.json()["title"] == "Form made"
    listed = [c for c in client.get("/outlign/api/v1/clients", headers=tenant.headers).json()
              if c["title"] == "Form made"]
    assert len(listed) == 1


def test_a_form_with_method_over_the_size_limit_is_the_vendors_413(client, tenant):
    made = outlign_client(client, tenant, "Kept")
    url = f"/outlign/api/v1/clients/{made['id']}"
    r = client.post(url, content=b"_method=PUT&title=" + b"x" * (2 * 1024 * 1024),
                    headers={**tenant.headers,
                             "Content-Type": "application/x-www-form-urlencoded"})
    assert (r.status_code, r.json()) == (413, {"message": "The request body is too large."})
    assert client.get(url, headers=tenant.headers).json()["title"] == "Kept"


def test_nextjs_ignores_method_in_a_form(client, tenant):
    made = client.post("/talynce/api/v1/clients", headers=tenant.headers,
                       json={"name": "Stays"}).json()["data"]
    r = client.post(f"/talynce/api/v1/clients/{made['id']}", data={"_method": "PUT"},
                    headers=tenant.headers)
    assert r.status_code == 405
