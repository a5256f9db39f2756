"""GitScrum's token by login (its documented ``POST /auth/login``), on the gateway's accounts,
over HTTP on SQLite and PostgreSQL: the answer's shape, the token as a Bearer credential within
the account's reach, and each refusal."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from core import models as m
from core.clock import now, utc
from core.scope import Scope

LOGIN = "/gitscrum/auth/login"
API = {"X-Client-Type": "api", "Accept": "application/json"}
PASSWORD = "a long enough password"


def account(tenant, **kwargs) -> dict:
    email = f"dev-{uuid.uuid4().hex[:8]}@example.com"
    return tenant.store.accounts.create(tenant.id, email, PASSWORD, name="Dev Eloper", **kwargs)


def test_login_answers_companies_user_and_a_one_year_token(client, tenant):
    who = account(tenant)
    r = client.post(LOGIN, json={"email": who["email"].upper(), "password": PASSWORD},
                    headers=API)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert set(data) == {"companies", "user", "token_type", "access_token"}
    assert data["token_type"] == "Bearer"
    assert data["companies"] == [{"slug": "main", "name": "Main"},
                                 {"slug": "other", "name": "Other"}]
    assert data["user"] == {"id": who["id"], "name": "Dev Eloper", "email": who["email"]}
    made = tenant.store.clients.create(Scope(tenant.id, tenant.workspace["id"]),
                                       {"name": "Reached"})
    listed = client.get("/gitscrum/contact-companies/clients", params={"company_slug": "main"},
                        headers={**API, "Authorization": f"Bearer {data['access_token']}"})
    assert listed.status_code == 200
    assert [c["uuid"] for c in listed.json()["data"]] == [made["uuid"]]
    ends = expiry_of(tenant, who)
    assert abs(ends - (now() + timedelta(days=365))) < timedelta(minutes=1)


def test_a_form_login_works_too(client, tenant):
    who = account(tenant)
    r = client.post(LOGIN, data={"email": who["email"], "password": PASSWORD}, headers=API)
    assert r.status_code == 200 and r.json()["data"]["access_token"]


def test_a_workspace_limited_account_lists_and_reaches_its_workspace_only(client, tenant):
    who = account(tenant, workspace_id=tenant.workspace["id"])
    data = client.post(LOGIN, json={"email": who["email"], "password": PASSWORD},
                       headers=API).json()["data"]
    assert data["companies"] == [{"slug": "main", "name": "Main"}]
    r = client.get("/gitscrum/contact-companies/clients", params={"company_slug": "other"},
                   headers={**API, "Authorization": f"Bearer {data['access_token']}"})
    assert r.status_code == 422 and r.json()["error_code"] == "VALIDATION_FAILED"


@pytest.mark.parametrize("wrong", ["password", "email", "revoked"])
def test_wrong_credentials_are_gitscrum_s_404(client, tenant, wrong):
    who = account(tenant)
    body = {"email": who["email"], "password": PASSWORD}
    if wrong == "password":
        body["password"] = "not the password"
    elif wrong == "email":
        body["email"] = "nobody@example.com"
    else:
        tenant.store.accounts.revoke(who["id"])
    r = client.post(LOGIN, json=body, headers=API)
    assert (r.status_code, r.json()) == (404, {"message": "Incorrect email or password.",
                                               "error_code": "INVALID_CREDENTIALS"})


def test_revoking_the_account_ends_its_token(client, tenant):
    who = account(tenant)
    token = client.post(LOGIN, json={"email": who["email"], "password": PASSWORD},
                        headers=API).json()["data"]["access_token"]
    tenant.store.accounts.revoke(who["id"])
    r = client.get("/gitscrum/contact-companies/clients", params={"company_slug": "main"},
                   headers={**API, "Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and r.json()["error_code"] == "TOKEN_INVALID"


@pytest.mark.parametrize(("body", "errors"), [
    ({}, {"email": ["The email field is required."],
          "password": ["The password field is required."]}),
    ({"email": "a@b.c", "password": 12}, {"password": ["The password field must be a string."]}),
    ({"email": ["a@b.c"], "password": "x"}, {"email": ["The email field must be a string."]}),
])
def test_a_login_without_credentials_is_the_validation_422(client, body, errors):
    r = client.post(LOGIN, json=body, headers=API)
    assert r.status_code == 422
    assert r.json() == {"error": "Validation Error", "message": "The given data was invalid.",
                        "error_code": "VALIDATION_FAILED", "errors": errors}


def test_login_attempts_are_limited_in_gitscrum_s_words(client, tenant):
    who = account(tenant)
    body = {"email": who["email"], "password": "guess"}
    answers = [client.post(LOGIN, json=body, headers=API) for _ in range(11)]
    assert [r.status_code for r in answers] == [404] * 10 + [429]
    refused = answers[-1]
    retry = int(refused.headers["retry-after"])
    assert refused.json() == {"error": "Too Many Requests", "retry_after": retry,
                              "message": f"Rate limit exceeded. Retry after {retry} seconds.",
                              "error_code": "RATE_LIMIT_EXCEEDED"}


def expiry_of(tenant, who) -> datetime:
    """When the account's one token ends, as stored."""
    with tenant.store.engine.connect() as conn:
        value = conn.execute(sa.select(m.api_keys.c.expires_at)
                             .where(m.api_keys.c.account_id == who["id"])).scalar_one()
    return utc(value)


def test_a_successful_login_clears_the_failures(client, tenant):
    """Failures are counted, as Laravel's login throttle counts them; a success clears them."""
    who = account(tenant)
    wrong = {"email": who["email"], "password": "guess"}
    assert [client.post(LOGIN, json=wrong, headers=API).status_code
            for _ in range(9)] == [404] * 9
    right = client.post(LOGIN, json={"email": who["email"], "password": PASSWORD}, headers=API)
    assert right.status_code == 200
    assert [client.post(LOGIN, json=wrong, headers=API).status_code
            for _ in range(11)] == [404] * 10 + [429]


@pytest.mark.parametrize("body", [{"email": "a\x00b@example.com", "password": "x"},
                                  {"email": "a@example.com", "password": "p\x00w"},
                                  {"email": "\U0001f600" * 300, "password": "x"}])
def test_odd_credentials_are_a_wrong_login_never_a_500(client, body):
    r = client.post(LOGIN, json=body, headers=API)
    assert r.status_code in (404, 422), r.text
