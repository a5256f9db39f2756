"""Outlign's OAuth2, as Laravel Passport serves it, over real HTTP on SQLite and PostgreSQL: the
whole dance done by a real OAuth2 client library (authlib's requests client) against a live
server, then each refusal (deny, a redirect URI not registered, a replayed code, an expired or
revoked token, a used refresh token, PKCE) in league/oauth2-server's words."""

from __future__ import annotations

import base64
import hashlib
import secrets

import pytest
import requests
import sqlalchemy as sa
from authlib.integrations.requests_client import OAuth2Session
from starlette.testclient import TestClient

from core import models as m
from core.scope import Scope
from tests.live import live_server  # noqa: F401  (a fixture)

from .oauth import PASSWORD, REDIRECT, approve, expire, no_redirects, party, query

TOKEN = "/outlign/oauth/token"
AUTHORIZE = "/outlign/oauth/authorize"
CLIENTS = "/outlign/api/v1/clients"
UNAUTHENTICATED = {"message": "Unauthenticated."}
INVALID_GRANT = ("The provided authorization grant (e.g., authorization code, resource owner "
                 "credentials) or refresh token is invalid, expired, revoked, does not match the "
                 "redirection URI used in the authorization request, or was issued to another "
                 "client.")

INVALID_REQUEST = ("The request is missing a required parameter, includes an invalid parameter "
                   "value, includes a parameter more than once, or is otherwise malformed.")


def league(error: str, description: str, hint: str | None = None) -> dict:
    body = {"error": error, "error_description": description, "message": description}
    return {**body, "hint": hint} if hint else body


@pytest.fixture(scope="module")
def web(app):
    """The app over https, as OAuth2 requires (RFC 6749, 3.1)."""
    with TestClient(app, base_url="https://testserver", raise_server_exceptions=False) as c:
        yield c


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorize_url(who, *, state: str = "s-1", challenge: str | None = None,
                  redirect: str = REDIRECT, base: str = "https://testserver") -> str:
    params = {"client_id": who.client_id, "redirect_uri": redirect, "response_type": "code",
              "scope": "outlign:all", "state": state}
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return requests.Request("GET", base + AUTHORIZE, params=params).prepare().url


def code_for(web, who, **kwargs) -> str:
    answer = approve(web, authorize_url(who, **kwargs), who.email)
    assert answer.status_code == 302, answer.text
    return query(answer.headers["location"])["code"]


def exchange(web, who, code: str, **extra) -> requests.Response:
    return web.post(TOKEN, data={"grant_type": "authorization_code", "code": code,
                                 "redirect_uri": REDIRECT, "client_id": who.client_id,
                                 "client_secret": who.client_secret, **extra})


def tenant_scope(tenant) -> Scope:
    return Scope(tenant.id, tenant.workspace["id"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


# -- the whole dance, by a real OAuth2 client ------------------------------------------------


def test_an_oauth2_client_library_does_the_whole_dance(live_server, tenant):  # noqa: F811
    who = party(tenant, redirect="http://127.0.0.1/callback")
    made = tenant.store.clients.create(tenant_scope(tenant), {"name": "Seen by the token"})
    oauth = OAuth2Session(who.client_id, who.client_secret, scope="outlign:all",
                          redirect_uri="http://127.0.0.1/callback",
                          code_challenge_method="S256",
                          token_endpoint_auth_method="client_secret_post")
    verifier = secrets.token_urlsafe(48)
    url, state = oauth.create_authorization_url(live_server.url + AUTHORIZE,
                                                code_verifier=verifier)
    with requests.Session() as browser:
        answer = approve(browser, url, who.email)
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith("http://127.0.0.1/callback?") and query(location)["state"] == state

    token = oauth.fetch_token(live_server.url + TOKEN, authorization_response=location,
                              code_verifier=verifier)
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert token["refresh_token"].startswith("def50200")
    listed = oauth.get(live_server.url + CLIENTS, headers={"Accept": "application/json"})
    assert listed.status_code == 200
    assert made["id"] in [c["id"] for c in listed.json()]

    first = dict(token)
    renewed = oauth.refresh_token(live_server.url + TOKEN, refresh_token=first["refresh_token"])
    assert renewed["access_token"] != first["access_token"]
    assert renewed["refresh_token"] != first["refresh_token"]
    assert requests.get(live_server.url + CLIENTS,
                        headers=bearer(renewed["access_token"])).status_code == 200
    # Rotation: the used refresh token and the access token issued with it stop working.
    old = requests.get(live_server.url + CLIENTS, headers=bearer(first["access_token"]))
    assert (old.status_code, old.json()) == (401, UNAUTHENTICATED)


# -- the page --------------------------------------------------------------------------------


def test_deny_redirects_with_access_denied_and_the_state(web, tenant):
    who = party(tenant)
    answer = approve(web, authorize_url(who, state="keep-me"), who.email, deny=True)
    assert answer.status_code == 302
    back = query(answer.headers["location"])
    assert answer.headers["location"].startswith(REDIRECT + "?")
    assert back == {"state": "keep-me", **league(
        "access_denied", "The resource owner or authorization server denied the request.",
        "The user denied the request")}
    # Nothing was granted: the approval cannot be sent afterwards.
    assert count(tenant.store, m.oauth_grants, who.client["id"]) == 0


def test_a_wrong_password_shows_the_page_again_and_grants_nothing(web, tenant):
    who = party(tenant)
    page = web.get(authorize_url(who))
    r = web.post(AUTHORIZE, data={**query(authorize_url(who)), "email": who.email,
                                  "password": "not it"})
    assert r.status_code == 200 and "These credentials do not match our records." in r.text
    assert "Authorization Request" not in r.text and 'name="ticket"' not in r.text
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("email", ["nul\x00@example.com", "x" * 5000, ""])
def test_an_odd_address_is_a_wrong_sign_in_never_a_500(web, tenant, email):
    who = party(tenant)
    r = web.post(AUTHORIZE, data={**query(authorize_url(who)), "email": email,
                                  "password": PASSWORD})
    assert r.status_code == 200 and "These credentials do not match our records." in r.text


def test_sign_in_attempts_are_limited(web, tenant):
    who = party(tenant)
    answers = [web.post(AUTHORIZE, data={**query(authorize_url(who)), "email": who.email,
                                         "password": "guess"}).status_code for _ in range(11)]
    assert answers == [200] * 10 + [429]
    # The right password waits for the window too.
    r = web.post(AUTHORIZE, data={**query(authorize_url(who)), "email": who.email,
                                  "password": PASSWORD})
    assert (r.status_code, r.json()) == (429, {"message": "Too Many Attempts."})


def test_a_redirect_uri_not_registered_is_refused_without_redirecting(web, tenant):
    who = party(tenant)
    r = web.get(authorize_url(who, redirect="https://attacker.example/steal"),
                **no_redirects(web))
    assert (r.status_code, r.json()) == (401, league("invalid_client",
                                                     "Client authentication failed"))


@pytest.mark.parametrize("odd", ['"', "\\"], ids=["quote", "backslash"])
def test_a_quote_or_backslash_in_what_an_error_quotes_is_no_500(web, tenant, odd):
    # RFC 6749 leaves " and \ out of error descriptions (authlib raises on one): the values an
    # error quotes are a response type and a redirect URI.
    who = party(tenant)
    r = web.get(AUTHORIZE, params={"client_id": who.client_id, "redirect_uri": REDIRECT,
                                   "response_type": f"co{odd}de"}, **no_redirects(web))
    assert r.status_code == 302
    assert query(r.headers["location"])["error"] == "unsupported_response_type"
    r = web.post(AUTHORIZE, data={"client_id": "nobody", "response_type": f"co{odd}de"})
    assert (r.status_code, r.json()["error"]) == (400, "unsupported_response_type")
    r = web.get(authorize_url(who, redirect=f"https://attacker.example/{odd}"),
                **no_redirects(web))
    assert (r.status_code, r.json()) == (401, league("invalid_client",
                                                     "Client authentication failed"))


def test_an_unknown_client_is_invalid_client(web, tenant):
    r = web.get(AUTHORIZE, params={"client_id": "nobody", "redirect_uri": REDIRECT,
                                   "response_type": "code"})
    assert (r.status_code, r.json()["error"]) == (401, "invalid_client")


def test_an_unknown_scope_redirects_with_invalid_scope(web, tenant):
    who = party(tenant)
    r = web.get(AUTHORIZE, params={"client_id": who.client_id, "redirect_uri": REDIRECT,
                                   "response_type": "code", "scope": "admin", "state": "x"},
                **no_redirects(web))
    assert r.status_code == 302
    back = query(r.headers["location"])
    assert (back["error"], back["state"]) == ("invalid_scope", "x")


def test_an_approval_is_sent_once(web, tenant):
    who = party(tenant)
    page = web.post(AUTHORIZE, data={**query(authorize_url(who)), "email": who.email,
                                     "password": PASSWORD})
    ticket = page.text.split('name="ticket" value="', 1)[1].split('"', 1)[0]
    first = web.post(AUTHORIZE, data={"ticket": ticket}, **no_redirects(web))
    again = web.post(AUTHORIZE, data={"ticket": ticket}, **no_redirects(web))
    assert first.status_code == 302 and "code" in query(first.headers["location"])
    assert again.status_code == 400 and "expired" in again.text


# -- the token endpoint ------------------------------------------------------------------------


def test_a_replayed_code_is_refused_and_revokes_what_it_gave(web, tenant):
    who = party(tenant)
    code = code_for(web, who)
    token = exchange(web, who, code).json()
    replay = exchange(web, who, code)
    assert (replay.status_code, replay.json()) == (400, league(
        "invalid_grant", INVALID_GRANT, "Authorization code has been revoked"))
    gone = web.get(CLIENTS, headers=bearer(token["access_token"]))
    assert (gone.status_code, gone.json()) == (401, UNAUTHENTICATED)
    refresh = web.post(TOKEN, data={"grant_type": "refresh_token",
                                    "refresh_token": token["refresh_token"],
                                    "client_id": who.client_id,
                                    "client_secret": who.client_secret})
    assert refresh.json()["hint"] == "Token has been revoked"


def test_a_code_is_bound_to_its_client_and_redirect_uri(web, tenant):
    who, other = party(tenant), party(tenant)
    code = code_for(web, who)
    r = exchange(web, who, code, redirect_uri="https://client.example/elsewhere")
    assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")
    code = code_for(web, who)
    r = web.post(TOKEN, data={"grant_type": "authorization_code", "code": code,
                              "redirect_uri": REDIRECT, "client_id": other.client_id,
                              "client_secret": other.client_secret})
    assert r.json()["hint"] == "Authorization code was not issued to this client"


def test_an_expired_code_is_refused(web, tenant):
    who = party(tenant)
    code = code_for(web, who)
    expire(tenant.store, m.oauth_grants, m.oauth_grants.c.oauth_client_id == who.client["id"])
    r = exchange(web, who, code)
    assert r.json()["hint"] == "Authorization code has expired"


def test_an_expired_access_token_is_outlign_s_401(web, tenant):
    who = party(tenant)
    token = exchange(web, who, code_for(web, who)).json()
    assert web.get(CLIENTS, headers=bearer(token["access_token"])).status_code == 200
    expire(tenant.store, m.api_keys, m.api_keys.c.oauth_client_id == who.client["id"])
    r = web.get(CLIENTS, headers=bearer(token["access_token"]))
    assert (r.status_code, r.json()) == (401, UNAUTHENTICATED)


def test_a_used_refresh_token_is_refused_and_revokes_its_successor(web, tenant):
    who = party(tenant)
    first = exchange(web, who, code_for(web, who)).json()
    refresh = {"grant_type": "refresh_token", "client_id": who.client_id,
               "client_secret": who.client_secret}
    second = web.post(TOKEN, data={**refresh, "refresh_token": first["refresh_token"]}).json()
    replay = web.post(TOKEN, data={**refresh, "refresh_token": first["refresh_token"]})
    assert (replay.status_code, replay.json()) == (400, league(
        "invalid_grant", INVALID_GRANT, "Token has been revoked"))
    # A replay means the token leaked: the chain it began is revoked too.
    assert web.get(CLIENTS, headers=bearer(second["access_token"])).status_code == 401


def test_a_public_client_must_prove_itself_with_pkce(web, tenant):
    who = party(tenant, public=True)
    verifier, challenge = pkce()
    code = code_for(web, who, challenge=challenge)
    base = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
            "client_id": who.client_id}
    wrong = web.post(TOKEN, data={**base, "code_verifier": pkce()[0]})
    assert (wrong.status_code, wrong.json()["error"]) == (400, "invalid_grant")
    code = code_for(web, who, challenge=challenge)
    ok = web.post(TOKEN, data={**base, "code": code, "code_verifier": verifier})
    assert ok.status_code == 200, ok.text
    # Without a challenge the page is refused at once, as league refuses it.
    r = web.get(authorize_url(who), **no_redirects(web))
    assert (r.status_code, r.json()) == (400, league(
        "invalid_request", INVALID_REQUEST,
        "Code challenge must be provided for public clients"))


def test_client_credentials_give_a_token_for_the_client_s_tenant(web, tenant, other_tenant):
    who = party(tenant)
    tenant.store.clients.create(tenant_scope(tenant), {"name": "Ours"})
    other_tenant.store.clients.create(tenant_scope(other_tenant), {"name": "Theirs"})
    r = web.post(TOKEN, data={"grant_type": "client_credentials", "client_id": who.client_id,
                              "client_secret": who.client_secret, "scope": "outlign:all"})
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"token_type", "expires_in", "access_token"}
    assert r.headers["cache-control"] == "no-store"
    mine = web.get(CLIENTS, headers=bearer(r.json()["access_token"]))
    assert mine.status_code == 200 and [c["title"] for c in mine.json()] == ["Ours"]
    bad = web.post(TOKEN, data={"grant_type": "client_credentials", "client_id": who.client_id,
                                "client_secret": "wrong"})
    assert (bad.status_code, bad.json()) == (401, league("invalid_client",
                                                         "Client authentication failed"))


def test_a_token_of_a_workspace_limited_account_sees_only_its_workspace(web, tenant):
    who = party(tenant, workspace_id=tenant.workspace["id"])
    elsewhere = tenant.store.clients.create(Scope(tenant.id, tenant.other_workspace["id"]),
                                            {"name": "Elsewhere"})
    token = exchange(web, who, code_for(web, who)).json()["access_token"]
    r = web.get(f"{CLIENTS}/{elsewhere['id']}", headers=bearer(token))
    assert r.status_code == 404


def test_revoking_the_account_or_the_client_ends_its_tokens(web, tenant):
    who = party(tenant)
    token = exchange(web, who, code_for(web, who)).json()
    tenant.store.accounts.revoke(who.account["id"])
    assert web.get(CLIENTS, headers=bearer(token["access_token"])).status_code == 401
    other = party(tenant)
    token = exchange(web, other, code_for(web, other)).json()
    tenant.store.oauth.revoke_client(other.client["id"])
    assert web.get(CLIENTS, headers=bearer(token["access_token"])).status_code == 401
    r = web.post(TOKEN, data={"grant_type": "refresh_token", "client_id": other.client_id,
                              "client_secret": other.client_secret,
                              "refresh_token": token["refresh_token"]})
    assert (r.status_code, r.json()["error"]) == (401, "invalid_client")


@pytest.mark.parametrize("form", [
    {}, {"grant_type": "password", "username": "a", "password": "b"},
    {"grant_type": "authorization_code"}, {"grant_type": "refresh_token", "client_id": "x"},
    {"grant_type": "authorization_code", "code": "x" * 5000, "client_id": "y" * 5000},
])
def test_bad_token_requests_are_league_errors_never_500(web, tenant, form):
    r = web.post(TOKEN, data=form)
    assert r.status_code in (400, 401), r.text
    assert set(r.json()) >= {"error", "error_description", "message"}


@pytest.mark.parametrize("field", ["response_type", "state", "client_id", "code_challenge"])
def test_a_parameter_outside_ascii_is_invalid_request_not_a_500(web, tenant, field):
    who = party(tenant)
    params = {"client_id": who.client_id, "redirect_uri": REDIRECT, "response_type": "code",
              "scope": "outlign:all", field: "v\u00e1lue\U0001f600"}
    r = web.get(AUTHORIZE, params=params, **no_redirects(web))
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request"), r.text
    token = web.post(TOKEN, data={"grant_type": "client_credentials\u00e1"})
    assert (token.status_code, token.json()["error"]) == (400, "invalid_request")


def test_oauth_over_plain_http_is_refused(client, tenant):
    """OAuth2 needs TLS; behind a proxy that ends it, uvicorn's proxy headers give the scheme."""
    r = client.post(TOKEN, data={"grant_type": "client_credentials"})
    assert (r.status_code, r.json()["error"]) == (400, "insecure_transport")


# -- helpers ---------------------------------------------------------------------------------


def count(store, table, client_pk: int) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)
                            .where(table.c.oauth_client_id == client_pk)).scalar_one()
