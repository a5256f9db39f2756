"""What each vendor's framework does before its routes see a request: a trailing slash (Laravel
trims it, Next.js redirects with 308), an OPTIONS the route has no handler for (Laravel 200,
Next.js 204, with Allow, no credentials needed), and Laravel's X-HTTP-Method-Override on a POST.
Over HTTP, on both backends."""

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
