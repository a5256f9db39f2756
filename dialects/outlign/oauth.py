"""Outlign's OAuth2 (go.outlign.co/api/docs/authentication), served as Laravel Passport serves
it: ``GET /oauth/authorize`` is a page (sign in, then approve or deny the client), which ends
in a redirect to the client with ``code`` and ``state``; ``POST /oauth/token`` (form-encoded)
exchanges a code (with PKCE), a refresh token (rotated: a used one stops working) or the
client's own credentials for ``{"token_type": "Bearer", "expires_in": 3600, "access_token",
"refresh_token"}``. Errors are league/oauth2-server's (``kit.oauth``).

An access token is a Bearer credential of Outlign's API for the tenant (and workspace) of the
account that approved it; expired or revoked, it is the usual 401.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from authlib.oauth2 import OAuth2Error
from starlette.responses import RedirectResponse, Response

from dialects.kit.calls import Call, public
from dialects.kit.oauth import Answer, Lifetimes, Request, Server, refusal
from dialects.kit.responses import JSON

from .consent import approval, expired, sign_in

#: Outlign's one scope.
SCOPES = ["outlign:all"]
#: "Access tokens last one hour"; refresh tokens, as Passport's default, 30 days.
LIFETIMES = Lifetimes(access=timedelta(hours=1), refresh=timedelta(days=30))
#: The authorization request's parameters the sign-in form carries along.
CARRIED = ("client_id", "redirect_uri", "response_type", "scope", "state", "code_challenge",
           "code_challenge_method")
#: Laravel's ``auth.failed``.
WRONG = "These credentials do not match our records."


def server(call: Call) -> Server:
    return Server(call.store, scopes=SCOPES, lifetimes=LIFETIMES)


def oauth_request(call: Call, query: dict[str, str], form: dict[str, Any]) -> Request:
    """The request as authlib reads it; ``InsecureTransportError`` unless it came over https
    (or to a loopback address): behind a proxy that ends TLS, uvicorn's ``--proxy-headers``
    with ``FORWARDED_ALLOW_IPS`` naming the proxy gives the request its https scheme."""
    r = call.request
    return Request(r.method, str(r.url), dict(r.headers), query, form)


def answer(result: Answer) -> Response:
    headers = dict(result.headers)
    if result.status in (301, 302, 303):
        return RedirectResponse(headers.pop("Location"), status_code=302, headers=headers)
    response = JSON(result.body or {}, status_code=result.status)
    response.headers.update(headers)  # Cache-Control: no-store, Pragma: no-cache on tokens
    return response


def refused(error: OAuth2Error) -> Response:
    """An authorization request the server will not redirect (an unknown client, a redirect
    URI it was not given): league's JSON error, as Passport answers."""
    return answer(refusal(error))


def action(call: Call) -> str:
    return call.request.url.path


async def check(call: Call, params: dict[str, str]) -> tuple[Server, Any]:
    oauth = server(call)
    grant = await call.context.services.run_in_thread(
        oauth.check, oauth_request(call, params, {}))
    return oauth, grant


@public
async def authorize_page(call: Call) -> Response:
    """The sign-in page of an authorization request."""
    params = {k: v for k, v in call.query.items() if k in CARRIED}
    try:
        _, grant = await check(call, params)
    except OAuth2Error as error:
        return refused(error)
    return sign_in(action(call), grant.client.name, params)


@public
async def authorize(call: Call) -> Response:
    """A sign-in (then the approval page), or an approval (then the redirect with a code)."""
    form = await call.body()
    if "ticket" in form:
        return await decide(call, form, approved=True)
    params = {k: v for k, v in form.items() if k in CARRIED and isinstance(v, str)}
    try:
        oauth, grant = await check(call, params)
    except OAuth2Error as error:
        return refused(error)
    email, password = form.get("email"), form.get("password")
    if not isinstance(email, str) or not isinstance(password, str):
        return sign_in(action(call), grant.client.name, params, WRONG)
    services = call.context.services
    await services.sign_in_attempt(call.request, call.dialect.name, email)
    account = await services.run_in_thread(call.store.accounts.authenticate, email, password)
    await services.sign_in_result(call.request, email, account is not None)
    if account is None:
        return sign_in(action(call), grant.client.name, params, WRONG)
    ticket = await services.run_in_thread(
        call.store.oauth.start, grant.client.row, account, redirect_uri=grant.redirect_uri,
        scope=params.get("scope") or None, code_challenge=params.get("code_challenge"),
        code_challenge_method=params.get("code_challenge_method"))
    scopes = (params.get("scope") or "").split()
    return approval(action(call), grant.client.name, account["email"], scopes, ticket,
                    params.get("state"))


@public
async def deny(call: Call) -> Response:
    """Cancel on the approval page (Passport's ``DELETE /oauth/authorize``)."""
    return await decide(call, await call.body(), approved=False)


async def decide(call: Call, form: dict[str, Any], *, approved: bool) -> Response:
    """The redirect that answers the client: a code, or ``access_denied``."""
    ticket = form.get("ticket")
    services = call.context.services
    waiting = (await services.run_in_thread(call.store.oauth.consent, ticket)
               if isinstance(ticket, str) else None)
    if waiting is None:
        return expired()
    params = {"client_id": waiting["client_id"], "redirect_uri": waiting["redirect_uri"],
              "response_type": "code", "scope": waiting["scope"],
              "state": form.get("state") if isinstance(form.get("state"), str) else None,
              "code_challenge": waiting["code_challenge"],
              "code_challenge_method": waiting["code_challenge_method"]}
    oauth = server(call)
    account = {"id": waiting["account_id"]} if approved else None
    if not approved:
        await services.run_in_thread(call.store.oauth.deny, ticket)
    try:
        request = oauth_request(call, {k: v for k, v in params.items() if v is not None}, {})
        result = await services.run_in_thread(oauth.authorize, request, account, ticket)
    except OAuth2Error as error:
        return refused(error)
    return answer(result)


@public
async def token(call: Call) -> Response:
    """The token endpoint: every grant, form-encoded (JSON is read too, as Laravel reads it)."""
    form = await call.body()
    try:
        request = oauth_request(call, {}, form)
    except OAuth2Error as error:  # not over https (authlib's rule: RFC 6749, 3.1)
        return refused(error)
    return answer(await call.context.services.run_in_thread(server(call).token, request))
