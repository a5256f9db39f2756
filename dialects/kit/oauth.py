"""An OAuth2 authorization server on authlib, over the store's records (``core.oauth``), for a
dialect whose vendor issues OAuth2 tokens (Outlign, with Laravel Passport).

authlib decides the protocol: which grant a request is, what it must carry, PKCE (RFC 7636:
required of public clients), when to answer which error. This module gives it what it asks of a
framework integration (requests in, responses out) and of a model (clients, codes, refresh
tokens), and writes errors as league/oauth2-server, Passport's engine, writes them:
``{"error", "error_description", "hint"?, "message"}``, 401 for ``invalid_client``, 400 otherwise.

Everything here is synchronous, as authlib is: a call runs where the app runs store calls.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from authlib.oauth2 import AuthorizationServer, OAuth2Error
from authlib.oauth2.rfc6749 import (
    AccessDeniedError,
    ClientMixin,
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Request,
    grants,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7636 import CodeChallenge

from core.keys import hash_key
from core.oauth import expired, redirect_uris
from core.store import Store

#: league/oauth2-server's description of each error (``OAuthServerException``).
DESCRIPTIONS = {
    "invalid_request": "The request is missing a required parameter, includes an invalid "
                       "parameter value, includes a parameter more than once, or is otherwise "
                       "malformed.",
    "invalid_client": "Client authentication failed",
    "invalid_grant": "The provided authorization grant (e.g., authorization code, resource "
                     "owner credentials) or refresh token is invalid, expired, revoked, does "
                     "not match the redirection URI used in the authorization request, or was "
                     "issued to another client.",
    "unauthorized_client": "The authenticated client is not authorized to use this "
                           "authorization grant type.",
    "unsupported_grant_type": "The authorization grant type is not supported by the "
                              "authorization server.",
    "unsupported_response_type": "The authorization server does not support obtaining an "
                                 "authorization code using this method.",
    "invalid_scope": "The requested scope is invalid, unknown, or malformed",
    "access_denied": "The resource owner or authorization server denied the request.",
    "insecure_transport": "OAuth 2 MUST utilize https.",
}
#: Errors league gives no hint for (authlib's own words would say more than league does).
UNHINTED = frozenset({"invalid_client"})


@dataclass(frozen=True)
class Lifetimes:
    access: timedelta
    refresh: timedelta


class Client(ClientMixin):
    """A stored client (``OAuth.client``) as authlib reads one."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.row = row
        self.id = row["id"]
        self.tenant_id = row["tenant_id"]
        self.name = row["name"]
        self.uris = redirect_uris(row["redirect_uris"])
        self.public = row["secret_hash"] is None

    def get_client_id(self) -> str:
        return self.row["client_id"]

    def get_default_redirect_uri(self) -> str:
        return self.uris[0]

    def get_allowed_scope(self, scope: str | None) -> str:
        return scope or ""

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.uris

    def check_client_secret(self, client_secret: str) -> bool:
        if self.public or not isinstance(client_secret, str):
            return False
        return hmac.compare_digest(hash_key(client_secret), self.row["secret_hash"])

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.public:
            return method == "none"
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        if grant_type == "client_credentials":
            return not self.public
        return grant_type in ("authorization_code", "refresh_token")


@dataclass
class Code:
    """A stored authorization code (``OAuth.code``) as authlib reads one."""

    row: dict[str, Any]
    code_challenge: str | None = field(init=False)
    code_challenge_method: str | None = field(init=False)

    def __post_init__(self) -> None:
        self.code_challenge = self.row["code_challenge"]
        self.code_challenge_method = self.row["code_challenge_method"]

    def get_redirect_uri(self) -> str:
        return self.row["redirect_uri"]

    def get_scope(self) -> str:
        return self.row["scope"] or ""


@dataclass
class Refresh:
    row: dict[str, Any]

    def check_client(self, client: Client) -> bool:
        return self.row["oauth_client_id"] == client.id

    def get_scope(self) -> str:
        return self.row["scope"] or ""


#: The protocol's parameters: printable ASCII only (RFC 6749, appendix A).
PARAMETERS = frozenset({
    "response_type", "client_id", "client_secret", "redirect_uri", "scope", "state", "code",
    "code_verifier", "code_challenge", "code_challenge_method", "grant_type", "refresh_token"})


def _printable(value: str) -> bool:
    return all(" " <= c <= "~" for c in value)


def _describable(value: str) -> str:
    """``value`` as an error description may quote it: RFC 6749 leaves ``"`` and ``\\`` out of
    descriptions, and authlib raises (a 500) on a description holding either."""
    return value.replace('"', "'").replace("\\", "/")


class Request(OAuth2Request):
    """A request as authlib reads one: method, URL, headers, and its parameters (the query
    string, then the body's form fields). A protocol parameter outside printable ASCII is
    ``invalid_request`` here (authlib could not even word its error about it)."""

    def __init__(self, method: str, uri: str, headers: dict[str, str],
                 query: dict[str, str], form: dict[str, Any]) -> None:
        super().__init__(method, uri, headers=headers)
        self._args = query
        self._form = {k: v for k, v in form.items() if isinstance(v, str)}
        for name, value in (*query.items(), *self._form.items()):
            if name in PARAMETERS and not _printable(value):
                raise InvalidRequestError(
                    description=f"Check the `{name}` parameter: printable ASCII only")
        params = {**self._args, **self._form}
        # authlib quotes an unsupported response type in its error's description; no supported
        # one holds a " or \, so a value that does is still refused, as unsupported.
        if "response_type" in params:
            params["response_type"] = _describable(params["response_type"])
        self.payload = BasicOAuth2Payload(params)

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


@dataclass(frozen=True)
class Answer:
    """What the server answers: a status, a JSON body (or None) and headers."""

    status: int
    body: dict[str, Any] | None
    headers: list[tuple[str, str]]


def league(body: dict[str, Any]) -> dict[str, Any]:
    """An authlib error body in league/oauth2-server's words: its description, authlib's more
    precise one as the ``hint``, and ``message`` (league's name for the description)."""
    error = body.get("error", "invalid_request")
    described = DESCRIPTIONS.get(error, body.get("error_description", ""))
    out: dict[str, Any] = {"error": error, "error_description": described}
    hint = body.get("error_description")
    if hint and hint != described and error not in UNHINTED:
        out["hint"] = hint
    out["message"] = described
    return out


def _league_location(location: str) -> str:
    """An error redirect (``?error=...``) with league's parameters."""
    parts = urlsplit(location)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if "error" not in params:
        return location
    state = params.pop("state", None)
    fixed = league(params)
    if state is not None:
        fixed["state"] = state
    return urlunsplit(parts._replace(query=urlencode(fixed)))


def respond(status: int, body: Any, headers: Any) -> Answer:
    """An answer of authlib's (a status, a body, headers), errors in league's words."""
    headers = list(headers or [])
    if status in (301, 302, 303):
        headers = [(k, _league_location(v) if k.lower() == "location" else v)
                   for k, v in headers]
        return Answer(status, None, headers)
    if isinstance(body, dict) and "error" in body:
        if body["error"] == "invalid_client":
            status = 401  # league's status for it, however the client authenticated
        body = league(body)
    return Answer(status, body if isinstance(body, dict) else None, headers)


def refusal(error: OAuth2Error) -> Answer:
    """An ``OAuth2Error`` raised outside authlib's own handling, answered as it would be."""
    return respond(*error())


class Server(AuthorizationServer):
    """One store's authorization server."""

    def __init__(self, store: Store, *, scopes: list[str], lifetimes: Lifetimes) -> None:
        super().__init__(scopes_supported=scopes)
        self.store = store
        self.lifetimes = lifetimes
        self.register_token_generator("default", self._token_shape)
        self.register_grant(AuthorizationCode, [CodeChallenge(required=True)])
        self.register_grant(RefreshToken)
        self.register_grant(ClientCredentials)

    # -- what authlib asks of a framework -------------------------------------------------------

    def query_client(self, client_id: str) -> Client | None:
        row = self.store.oauth.client(client_id)
        return None if row is None else Client(row)

    def create_oauth2_request(self, request: Request) -> Request:
        return request

    def create_json_request(self, request: Request) -> Request:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> Answer:
        return respond(status, body, headers)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    # -- tokens ------------------------------------------------------------------------------

    def _token_shape(self, grant_type: str, client: Client, user: Any = None,
                     scope: str | None = None, expires_in: int | None = None,
                     include_refresh_token: bool = True) -> dict[str, Any]:
        """What a token answer holds until ``save_token`` issues its secrets."""
        return {"token_type": "Bearer", "_refresh": include_refresh_token and user is not None,
                "_scope": scope or None}

    def save_token(self, token: dict[str, Any], request: Request) -> None:
        """Issue the token's secrets in the store, into the answer: an access token for the
        account's tenant and workspace (the client's tenant for client_credentials), and a
        refresh token with it when the grant has an account."""
        client: Client = request.client
        user = request.user
        refresh = token.pop("_refresh")
        scope = token.pop("_scope")
        family = None
        if request.authorization_code is not None:
            family = request.authorization_code.row["id"]
        elif request.refresh_token is not None:
            family = request.refresh_token.row["family"]
        issued = self.store.oauth.issue(
            client.row, tenant_id=user["tenant_id"] if user else client.tenant_id,
            workspace_id=user["workspace_id"] if user else None,
            account_id=user["id"] if user else None, scope=scope, family=family,
            lifetime=self.lifetimes.access,
            refresh_lifetime=self.lifetimes.refresh if refresh else None)
        token["expires_in"] = issued["expires_in"]
        token["access_token"] = issued["access_token"]
        if "refresh_token" in issued:
            token["refresh_token"] = issued["refresh_token"]

    # -- the authorization endpoint, in the order a person meets it ---------------------------

    def check(self, request: Request) -> Any:
        """The grant an authorization request asks for, validated (``OAuth2Error`` if not):
        its client, redirect URI, response type, scope and PKCE challenge. A public client
        must send a challenge here, as league asks (not only its verifier later)."""
        grant = self.get_consent_grant(request)
        if grant.client.public and not request.payload.data.get("code_challenge"):
            raise InvalidRequestError(
                description="Code challenge must be provided for public clients")
        return grant

    def authorize(self, request: Request, account: dict | None, ticket: str) -> Answer:
        """The redirect that ends an authorization request: with a code once ``ticket``'s
        consent is approved by ``account``, with ``access_denied`` when it is not."""
        request.ticket = ticket  # type: ignore[attr-defined]
        grant = self.get_consent_grant(request)
        return self.create_authorization_response(request, grant_user=account, grant=grant)

    def token(self, request: Request) -> Answer:
        return self.create_token_response(request)


class AuthorizationCode(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    server: Server

    @staticmethod
    def validate_authorization_redirect_uri(request: OAuth2Request, client: Client) -> str:
        """A redirect URI the client did not register is league's ``invalid_client``."""
        uri = request.payload.redirect_uri
        if uri and not client.check_redirect_uri(uri):
            raise InvalidClientError(description=f"Redirect URI {_describable(uri)} is not registered for "
                                                 "this client")
        return grants.AuthorizationCodeGrant.validate_authorization_redirect_uri(request, client)

    def create_authorization_response(self, redirect_uri: str, grant_user: Any) -> Any:
        if not grant_user:  # league's words for a person who said no
            raise AccessDeniedError(description="The user denied the request",
                                    redirect_uri=redirect_uri)
        return super().create_authorization_response(redirect_uri, grant_user)

    def save_authorization_code(self, code: str, request: Request) -> None:
        if not self.server.store.oauth.approve(request.ticket, code):  # type: ignore[attr-defined]
            raise InvalidGrantError(description="The authorization request has expired")

    def query_authorization_code(self, code: str, client: Client) -> Code | None:
        """The code, spent here (once: a code presented again revokes what it gave)."""
        oauth = self.server.store.oauth
        row = oauth.code(code)
        if row is None:
            return None
        if row["oauth_client_id"] != client.id:
            raise InvalidGrantError(description="Authorization code was not issued to this "
                                                "client")
        if not oauth.spend_code(row["id"]):
            raise InvalidGrantError(description="Authorization code has been revoked")
        if expired(row["expires_at"]) or row["account_revoked_at"] is not None:
            raise InvalidGrantError(description="Authorization code has expired")
        return Code(row)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        return None  # spent when it was read

    def authenticate_user(self, authorization_code: Code) -> dict[str, Any]:
        row = authorization_code.row
        return {"id": row["account_id"], "tenant_id": row["tenant_id"],
                "workspace_id": row["workspace_id"]}


class RefreshToken(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True
    server: Server

    def authenticate_refresh_token(self, refresh_token: str) -> Refresh | None:
        """The token, spent here (once: a used one revokes every token of its grant)."""
        oauth = self.server.store.oauth
        row = oauth.refresh_token(refresh_token)
        if row is None:
            raise InvalidGrantError(description="Cannot decrypt the refresh token")
        if row["oauth_client_id"] != self.request.client.id:
            raise InvalidGrantError(description="Token is not linked to client")
        if not oauth.spend_refresh(row):
            raise InvalidGrantError(description="Token has been revoked")
        if expired(row["expires_at"]) or row["account_revoked_at"] is not None:
            raise InvalidGrantError(description="Token has expired")
        return Refresh(row)

    def authenticate_user(self, refresh_token: Refresh) -> dict[str, Any]:
        row = refresh_token.row
        return {"id": row["account_id"], "tenant_id": row["tenant_id"],
                "workspace_id": row["workspace_id"]}

    def revoke_old_credential(self, refresh_token: Refresh) -> None:
        return None  # spent when it was read


class ClientCredentials(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
