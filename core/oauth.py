"""OAuth2's records: clients, grants (a consent, then its code), access and refresh tokens.

What the protocol means (which grant, which error) is the OAuth2 server's (``dialects.kit.oauth``,
on authlib); this module keeps its state, every secret as its SHA-256 only (each has 256 bits of
randomness, as an API key has: see ``core.keys``), and makes each one-time use atomic: a code or a
refresh token is spent by one conditional UPDATE, so two requests racing with the same one cannot
both win.

An access token is an ``api_keys`` row of kind ``oauth``: every dialect authenticates it as a key,
for the tenant and workspace of the account that approved it (or, for client_credentials, of
the client's tenant). A refresh token is used once; its ``family`` is the grant the chain began
with, so a code or a refresh token presented a second time revokes every token of that grant
(RFC 9700, 4.14: replay means the token leaked).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from . import models as m
from .checks import check_name, require_tenant
from .clock import now, utc
from .errors import Invalid, NotFound
from .keys import hash_key, insert
from .revoking import revoke_issued, revoke_row
from .session import Session
from .sql import Statements

#: How long a signed-in consent waits for approval, and an approved code for its exchange.
CONSENT_LIFETIME = timedelta(minutes=10)
CODE_LIFETIME = timedelta(minutes=10)
REDIRECT_URI_MAX = 2048

_CLIENT = ("id", "tenant_id", "client_id", "name", "redirect_uris", "created_at", "revoked_at")


def _secret() -> str:
    return secrets.token_urlsafe(32)


def redirect_uris(text: str) -> list[str]:
    return [uri for uri in text.splitlines() if uri]


class OAuth:
    def __init__(self, db: Statements) -> None:
        self._db = db

    # -- clients ------------------------------------------------------------------------------

    def create_client(self, tenant_id: int, name: str, uris: list[str], *,
                      public: bool = False) -> tuple[dict, str | None]:
        """A new client of the tenant: its record (``client_id`` included) and its secret,
        shown once (None for a public client, which proves itself with PKCE only)."""
        name = check_name(name)
        if not uris or any(not _absolute(uri) for uri in uris):
            raise Invalid.one("redirect_uri", "invalid")
        secret = None if public else _secret()
        row = {"tenant_id": tenant_id, "client_id": secrets.token_hex(16), "name": name,
               "secret_hash": None if secret is None else hash_key(secret),
               "redirect_uris": "\n".join(uris), "created_at": now()}
        with self._db.write() as s:
            require_tenant(s, tenant_id)
            row["id"] = s.insert(m.oauth_clients, row)
        return _client(row), secret

    def client(self, client_id: str) -> dict | None:
        """A client that is not revoked, by its public ``client_id`` (with its secret's hash)."""
        if not isinstance(client_id, str) or len(client_id) > 64:
            return None
        c = m.oauth_clients.c
        with self._db.read() as s:
            return s.one(("oauth.client",),
                         lambda: sa.select(*(c[n] for n in _CLIENT), c.secret_hash)
                         .where(c.client_id == sa.bindparam("client_id"),
                                c.revoked_at.is_(None)),
                         {"client_id": client_id})

    def clients(self, tenant_id: int | None = None) -> list[dict]:
        c = m.oauth_clients.c
        filtered = tenant_id is not None
        with self._db.read() as s:
            rows = s.rows(("oauth.clients", filtered),
                          lambda: sa.select(*(c[n] for n in _CLIENT), c.secret_hash)
                          .where(*([c.tenant_id == sa.bindparam("t")] if filtered else []))
                          .order_by(c.id),
                          {"t": tenant_id} if filtered else {})
        return [_client(r) for r in rows]

    def revoke_client(self, pk: int, *, tenant_id: int | None = None) -> dict:
        """Revoke a client and every token issued to it."""
        c = m.oauth_clients.c
        when = now()
        with self._db.write() as s:
            row = revoke_row(s, m.oauth_clients, pk, [*(c[n] for n in _CLIENT), c.secret_hash],
                             when=when, tenant_id=tenant_id)
            if row is None:
                raise NotFound("oauth_client", pk)
            revoke_issued(s, m.api_keys.c.oauth_client_id, pk, when)
            revoke_issued(s, m.oauth_refresh_tokens.c.oauth_client_id, pk, when)
        return _client(row)

    # -- grants: a consent, then a code ------------------------------------------------------

    def start(self, client: dict, account: dict, *, redirect_uri: str, scope: str | None,
              code_challenge: str | None, code_challenge_method: str | None) -> str:
        """An account signed in to approve ``client``: the consent's ticket (shown once, in the
        approval form)."""
        ticket = _secret()
        with self._db.write() as s:
            s.insert(m.oauth_grants, {
                "oauth_client_id": client["id"], "account_id": account["id"],
                "ticket_hash": hash_key(ticket), "redirect_uri": redirect_uri, "scope": scope,
                "code_challenge": code_challenge, "code_challenge_method": code_challenge_method,
                "created_at": now(), "expires_at": now() + CONSENT_LIFETIME})
        return ticket

    def consent(self, ticket: str) -> dict | None:
        """The consent a ticket stands for, with its client's and account's names, if it is
        still waiting."""
        if not isinstance(ticket, str) or len(ticket) > 64:
            return None
        g, c, a = m.oauth_grants.c, m.oauth_clients.c, m.accounts.c
        with self._db.read() as s:
            row = s.one(("oauth.consent",),
                        lambda: sa.select(*_GRANT, c.client_id.label("client_id"),
                                          c.name.label("client_name"),
                                          a.email.label("account_email"))
                        .join(m.oauth_clients, c.id == g.oauth_client_id)
                        .join(m.accounts, a.id == g.account_id)
                        .where(g.ticket_hash == sa.bindparam("h"),
                               g.expires_at > sa.bindparam("now"),
                               c.revoked_at.is_(None), a.revoked_at.is_(None)),
                        {"h": hash_key(ticket), "now": now()})
        return row

    def approve(self, ticket: str, code: str) -> bool:
        """Approve a waiting consent with its authorization code (once); False when the
        consent is no longer waiting."""
        g = m.oauth_grants.c
        with self._db.write() as s:
            return bool(s.execute(("oauth.approve",),
                                  lambda: m.oauth_grants.update()
                                  .where(g.ticket_hash == sa.bindparam("h"),
                                         g.expires_at > sa.bindparam("now"))
                                  .values(ticket_hash=sa.null(), code_hash=sa.bindparam("code"),
                                          expires_at=sa.bindparam("ends")),
                                  {"h": hash_key(ticket), "now": now(), "code": hash_key(code),
                                   "ends": now() + CODE_LIFETIME}))

    def deny(self, ticket: str) -> None:
        g = m.oauth_grants.c
        with self._db.write() as s:
            s.execute(("oauth.deny",),
                      lambda: m.oauth_grants.delete().where(g.ticket_hash == sa.bindparam("h")),
                      {"h": hash_key(ticket)})

    def code(self, code: str) -> dict | None:
        """The grant an authorization code stands for (used, expired or not: the server says
        which), with the account's tenant and workspace."""
        if not isinstance(code, str) or len(code) > 64:
            return None
        g, a = m.oauth_grants.c, m.accounts.c
        with self._db.read() as s:
            return s.one(("oauth.code",),
                         lambda: sa.select(*_GRANT, a.tenant_id, a.workspace_id,
                                           a.revoked_at.label("account_revoked_at"))
                         .join(m.accounts, a.id == g.account_id)
                         .where(g.code_hash == sa.bindparam("h")),
                         {"h": hash_key(code)})

    def spend_code(self, grant_id: int) -> bool:
        """Mark a code used; False when it already was (then its tokens are revoked)."""
        g = m.oauth_grants.c
        when = now()
        with self._db.write() as s:
            if s.execute(("oauth.spend_code",),
                         lambda: m.oauth_grants.update()
                         .where(g.id == sa.bindparam("id"), g.used_at.is_(None))
                         .values(used_at=sa.bindparam("now")), {"id": grant_id, "now": when}):
                return True
            _revoke_family(s, grant_id, when)
        return False

    # -- tokens ---------------------------------------------------------------------------------

    def issue(self, client: dict, *, tenant_id: int, workspace_id: int | None,
              account_id: int | None, scope: str | None, family: int | None,
              lifetime: timedelta, refresh_lifetime: timedelta | None) -> dict[str, Any]:
        """An access token (and a refresh token, given its lifetime) in one transaction:
        ``{"access_token", "refresh_token"?, "expires_in"}``."""
        with self._db.write() as s:
            record, access = insert(s, tenant_id, workspace_id=workspace_id, kind="oauth",
                                    name=f"oauth client {client['client_id']}",
                                    expires_at=now() + lifetime, account_id=account_id,
                                    oauth_client_id=client["id"])
            token: dict[str, Any] = {"access_token": access,
                                     "expires_in": int(lifetime.total_seconds())}
            if refresh_lifetime is not None:
                refresh = "def50200" + secrets.token_hex(32)
                s.insert(m.oauth_refresh_tokens, {
                    "token_hash": hash_key(refresh), "oauth_client_id": client["id"],
                    "account_id": account_id, "access_key_id": record["id"], "family": family,
                    "scope": scope, "created_at": now(), "expires_at": now() + refresh_lifetime})
                token["refresh_token"] = refresh
        return token

    def refresh_token(self, token: str) -> dict | None:
        """A refresh token's record (revoked, expired or not), with its account's tenant and
        workspace."""
        if not isinstance(token, str) or len(token) > 256:
            return None
        r, a, c = m.oauth_refresh_tokens.c, m.accounts.c, m.oauth_clients.c
        with self._db.read() as s:
            return s.one(("oauth.refresh_token",),
                         lambda: sa.select(r.id, r.oauth_client_id, r.account_id,
                                           r.access_key_id, r.family, r.scope, r.expires_at,
                                           r.revoked_at, c.tenant_id, a.workspace_id,
                                           a.revoked_at.label("account_revoked_at"))
                         .join(m.oauth_clients, c.id == r.oauth_client_id)
                         .outerjoin(m.accounts, a.id == r.account_id)
                         .where(r.token_hash == sa.bindparam("h")),
                         {"h": hash_key(token)})

    def spend_refresh(self, row: dict) -> bool:
        """Use a refresh token once: it and its access token are revoked. False when it was
        already used (then every token of its family is revoked)."""
        r, k = m.oauth_refresh_tokens.c, m.api_keys.c
        when = now()
        with self._db.write() as s:
            if s.execute(("oauth.spend_refresh",),
                         lambda: m.oauth_refresh_tokens.update()
                         .where(r.id == sa.bindparam("id"), r.revoked_at.is_(None))
                         .values(revoked_at=sa.bindparam("now")), {"id": row["id"], "now": when}):
                if row["access_key_id"] is not None:
                    s.execute(("oauth.revoke_access",),
                              lambda: m.api_keys.update()
                              .where(k.id == sa.bindparam("id"), k.revoked_at.is_(None))
                              .values(revoked_at=sa.bindparam("now")),
                              {"id": row["access_key_id"], "now": when})
                return True
            if row["family"] is not None:
                _revoke_family(s, row["family"], when)
        return False


_GRANT = [m.oauth_grants.c[n] for n in (
    "id", "oauth_client_id", "account_id", "redirect_uri", "scope", "code_challenge",
    "code_challenge_method", "created_at", "expires_at", "used_at")]


def _revoke_family(s: Session, family: int, when: datetime) -> None:
    """Every token descended from grant ``family``: its refresh tokens and their access tokens."""
    r, k = m.oauth_refresh_tokens.c, m.api_keys.c
    s.execute(("oauth.revoke_family_access",),
              lambda: m.api_keys.update()
              .where(k.id.in_(sa.select(r.access_key_id).where(r.family == sa.bindparam("f"))),
                     k.revoked_at.is_(None))
              .values(revoked_at=sa.bindparam("now")), {"f": family, "now": when})
    s.execute(("oauth.revoke_family",),
              lambda: m.oauth_refresh_tokens.update()
              .where(r.family == sa.bindparam("f"), r.revoked_at.is_(None))
              .values(revoked_at=sa.bindparam("now")), {"f": family, "now": when})


def _absolute(uri: Any) -> bool:
    return (isinstance(uri, str) and 0 < len(uri) <= REDIRECT_URI_MAX and "\n" not in uri
            and "#" not in uri and "://" in uri and " " not in uri and "\x00" not in uri)


def _client(row: dict) -> dict:
    out = {n: row.get(n) for n in _CLIENT}
    out["redirect_uris"] = redirect_uris(row["redirect_uris"])
    out["public"] = row.get("secret_hash") is None
    return out


def expired(when: datetime) -> bool:
    return utc(when) <= now()
