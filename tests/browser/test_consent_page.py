"""Outlign's authorization page in a real browser (headless chromium), on both backends: a
person signs in, then approves or denies the client, and the browser lands on the client's
redirect URI with a code (which the client exchanges for a working token) or with
``access_denied``; a redirect URI the client did not register never reaches the page; the
browser's code works once; its token stops at its expiry. The client's site is played by the
browser's own request routing."""

from __future__ import annotations

import pytest
import requests

from core import models as m
from tests.dialects.outlign.oauth import PASSWORD, REDIRECT, expire, party, query

pytestmark = pytest.mark.browser


def authorize_url(base: str, who, state: str) -> str:
    return requests.Request("GET", f"{base}/outlign/oauth/authorize", params={
        "client_id": who.client_id, "redirect_uri": REDIRECT, "response_type": "code",
        "scope": "outlign:all", "state": state}).prepare().url


def landed(page) -> list[str]:
    """Every URL the browser was sent to on the client's site (answered with a plain page)."""
    seen: list[str] = []

    def client_site(route) -> None:
        seen.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>back at the client</p>")

    page.route("https://client.example/**", client_site)
    return seen


def sign_in(page, email: str, password: str) -> None:
    page.fill("#email", email)
    page.fill("#password", password)
    page.click('button:has-text("Sign in")')


def authorized(page, base: str, who, state: str) -> str:
    """A person signs in and Authorizes in the browser: the code the client's site received."""
    seen = landed(page)
    page.goto(authorize_url(base, who, state))
    sign_in(page, who.email, PASSWORD)
    page.click('button:has-text("Authorize")')
    page.wait_for_selector("text=back at the client")
    (url,) = seen
    return query(url)["code"]


def exchange(base: str, who, code: str) -> requests.Response:
    return requests.post(f"{base}/outlign/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "client_id": who.client_id, "client_secret": who.client_secret})


def clients(base: str, token: str) -> requests.Response:
    return requests.get(f"{base}/outlign/api/v1/clients",
                        headers={"Authorization": f"Bearer {token}"})


def test_sign_in_and_authorize_give_the_client_a_working_code(live_server, tenant, page):
    who = party(tenant)
    seen = landed(page)
    page.goto(authorize_url(live_server.url, who, "st-42"))
    assert "Zapier" in page.inner_text("main")
    sign_in(page, who.email, PASSWORD)
    page.wait_for_selector("text=Authorization Request")
    assert "outlign:all" in page.inner_text("main")
    page.click('button:has-text("Authorize")')
    page.wait_for_selector("text=back at the client")

    (url,) = seen
    back = query(url)
    assert url.startswith(REDIRECT + "?") and back["state"] == "st-42"
    token = exchange(live_server.url, who, back["code"])
    assert token.status_code == 200, token.text
    assert clients(live_server.url, token.json()["access_token"]).status_code == 200


def test_cancel_sends_access_denied(live_server, tenant, page):
    who = party(tenant)
    seen = landed(page)
    page.goto(authorize_url(live_server.url, who, "st-no"))
    sign_in(page, who.email, PASSWORD)
    page.click('button:has-text("Cancel")')
    page.wait_for_selector("text=back at the client")
    (url,) = seen
    assert (query(url)["error"], query(url)["state"]) == ("access_denied", "st-no")
    assert "code" not in query(url)


def test_a_wrong_password_stays_on_the_page(live_server, tenant, page):
    who = party(tenant)
    seen = landed(page)
    page.goto(authorize_url(live_server.url, who, "st"))
    sign_in(page, who.email, "not the password")
    page.wait_for_selector("text=These credentials do not match our records.")
    assert page.locator("text=Authorization Request").count() == 0
    assert seen == []


def test_a_redirect_uri_not_registered_never_reaches_the_page(live_server, tenant, page):
    who = party(tenant)
    seen = landed(page)
    url = requests.Request("GET", f"{live_server.url}/outlign/oauth/authorize", params={
        "client_id": who.client_id, "redirect_uri": "https://client.example/elsewhere",
        "response_type": "code", "state": "s"}).prepare().url
    answer = page.goto(url)
    assert answer.status == 401
    assert '"error":"invalid_client"' in page.content().replace(" ", "")
    assert page.locator("#password").count() == 0 and seen == []


def test_a_code_from_the_browser_is_used_once(live_server, tenant, page):
    who = party(tenant)
    code = authorized(page, live_server.url, who, "once")
    first = exchange(live_server.url, who, code)
    assert first.status_code == 200, first.text
    replay = exchange(live_server.url, who, code)
    assert (replay.status_code, replay.json()["hint"]) == (
        400, "Authorization code has been revoked")
    # The replay revoked what the code gave.
    api = clients(live_server.url, first.json()["access_token"])
    assert (api.status_code, api.json()) == (401, {"message": "Unauthenticated."})


def test_an_expired_token_from_the_browser_is_refused(live_server, tenant, page):
    who = party(tenant)
    token = exchange(live_server.url, who,
                     authorized(page, live_server.url, who, "late")).json()["access_token"]
    assert clients(live_server.url, token).status_code == 200
    expire(tenant.store, m.api_keys, m.api_keys.c.oauth_client_id == who.client["id"])
    api = clients(live_server.url, token)
    assert (api.status_code, api.json()) == (401, {"message": "Unauthenticated."})
