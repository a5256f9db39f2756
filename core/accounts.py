"""Accounts: people who sign in (Outlign's consent page, GitScrum's login) for a tenant, limited
to one workspace or not.

A password is kept only as its argon2id hash (argon2-cffi's defaults, rehashed on sign-in when
those change). An address is compared in one form (``core.text.email_key``), one account per
address across tenants, since a sign-in names no tenant. Signing in with an unknown address
costs the same hash as a wrong password, so the answer's timing tells nothing.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from . import models as m
from .checks import check_name, require_tenant
from .clock import now
from .errors import Conflict, Invalid, NotFound
from .keys import insert
from .revoking import revoke_issued, revoke_row
from .sql import Statements
from .text import email_key
from .workspaces import require_workspace

#: Passwords longer than this are refused: argon2 would hash them, but nobody types them.
PASSWORD_MAX = 1024
PASSWORD_MIN = 8
_hasher = PasswordHasher()
#: What an unknown address is checked against, so it costs what a wrong password costs.
_NOBODY = _hasher.hash("not a password of anyone")

_PUBLIC = ("id", "tenant_id", "workspace_id", "email", "name", "created_at", "revoked_at")


def _spend(password: str) -> None:
    """What checking a password costs, for an address that cannot match."""
    try:
        _hasher.verify(_NOBODY, password)
    except (VerificationError, InvalidHashError):
        pass


class Accounts:
    def __init__(self, db: Statements) -> None:
        self._db = db

    def create(self, tenant_id: int, email: str, password: str, *,
               workspace_id: int | None = None, name: str | None = None) -> dict:
        """A new account; ``Invalid`` for a short password or an address already taken."""
        if not isinstance(password, str) or not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
            raise Invalid.one("password", "invalid")
        address = email_key(email.strip()) if isinstance(email, str) else ""
        if "@" not in address or len(address) > m.EMAIL_MAX or "\x00" in address:
            raise Invalid.one("email", "invalid")
        if name is not None:
            name = check_name(name)
        row = {"tenant_id": tenant_id, "workspace_id": workspace_id, "email": address,
               "name": name, "password_hash": _hasher.hash(password), "created_at": now()}
        with self._db.write() as s:
            require_tenant(s, tenant_id)
            if workspace_id is not None:
                require_workspace(s, tenant_id, workspace_id)
            try:
                row["id"] = s.insert(m.accounts, row, unique="email")
            except Conflict:
                raise Invalid.one("email", "taken") from None
        return {k: row.get(k) for k in _PUBLIC}

    def authenticate(self, email: str, password: str) -> dict | None:
        """The account with this address and password, unless revoked; else None."""
        if not (isinstance(email, str) and isinstance(password, str)) \
                or len(password) > PASSWORD_MAX or len(email) > m.EMAIL_MAX:
            return None
        a = m.accounts.c
        if "\x00" in email:  # no address holds one (PostgreSQL could not even compare it)
            _spend(password)
            return None
        with self._db.read() as s:
            row = s.one(("accounts.by_email",),
                        lambda: sa.select(*(a[c] for c in _PUBLIC), a.password_hash)
                        .where(a.email == sa.bindparam("email")),
                        {"email": email_key(email.strip())})
        stored = row["password_hash"] if row else _NOBODY
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or row["revoked_at"] is not None:
            return None
        if _hasher.check_needs_rehash(stored):
            with self._db.write() as s:
                s.update(m.accounts, row["id"], {"password_hash": _hasher.hash(password)})
        return {k: row[k] for k in _PUBLIC}

    def sign_in(self, account: dict, *, lifetime: timedelta, kind: str = "login") -> str:
        """A new Bearer token for the account (its tenant, its workspace limit), ending after
        ``lifetime``: returned once, stored as its hash (a key of kind ``login``)."""
        with self._db.write() as s:
            return insert(s, account["tenant_id"], workspace_id=account["workspace_id"],
                          name=f"sign-in of account {account['id']}", kind=kind,
                          expires_at=now() + lifetime, account_id=account["id"])[1]

    def get(self, account_id: int) -> dict | None:
        a = m.accounts.c
        with self._db.read() as s:
            return s.one(("accounts.get",),
                         lambda: sa.select(*(a[c] for c in _PUBLIC))
                         .where(a.id == sa.bindparam("id")), {"id": account_id})

    def workspaces(self, account: dict) -> list[dict]:
        """The workspaces an account may use: its own, or every one of its tenant's."""
        w = m.workspaces.c
        limited = account["workspace_id"] is not None
        with self._db.read() as s:
            return s.rows(
                ("accounts.workspaces", limited),
                lambda: sa.select(w.id, w.slug, w.name, w.is_default)
                .where(w.tenant_id == sa.bindparam("tenant_id"),
                       *([w.id == sa.bindparam("id")] if limited else []))
                .order_by(w.id),
                {"tenant_id": account["tenant_id"],
                 **({"id": account["workspace_id"]} if limited else {})})

    def list(self, tenant_id: int | None = None) -> list[dict]:
        a = m.accounts.c
        filtered = tenant_id is not None
        with self._db.read() as s:
            return s.rows(
                ("accounts.list", filtered),
                lambda: sa.select(*(a[c] for c in _PUBLIC))
                .where(*([a.tenant_id == sa.bindparam("tenant_id")] if filtered else []))
                .order_by(a.id),
                {"tenant_id": tenant_id} if filtered else {})

    def revoke(self, account_id: int, *, tenant_id: int | None = None) -> dict:
        """Revoke an account and every token it holds (its sign-ins stop at once)."""
        a = m.accounts.c
        when = now()
        with self._db.write() as s:
            row = revoke_row(s, m.accounts, account_id, [a[c] for c in _PUBLIC], when=when,
                             tenant_id=tenant_id)
            if row is None:
                raise NotFound("account", account_id)
            revoke_issued(s, m.api_keys.c.account_id, account_id, when)
            revoke_issued(s, m.oauth_refresh_tokens.c.account_id, account_id, when)
        return row

