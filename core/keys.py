"""API keys: generated once, shown once, stored as a SHA-256 hash, revocable.

Keys carry 256 bits of randomness, so a fast hash is the right tool (as for GitHub or Stripe
tokens): a slow password hash would add milliseconds to every request and protect nothing that
the key's entropy does not already protect. Lookup is by hash, and the stored hash is compared
to the computed one in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from . import models as m
from .checks import require_tenant
from .clock import now, utc
from .errors import Invalid, NotFound
from .revoking import revoke_row
from .scope import Scope
from .session import Session
from .sql import Statements
from .workspaces import require_workspace

KEY_PREFIX = "cg_"
PREFIX_SHOWN = len(KEY_PREFIX) + 8
MAX_PRESENTED = 256
#: How a new key's secret is written: the gateway's own (``cg_`` and 43 URL-safe characters,
#: 256 bits), or as Full Engage issues its keys (``ba_`` and 40 hexadecimal digits, 160 bits),
#: so secret scanners and config validators that know that shape keep working.
FORMATS = {
    "clientgate": lambda: KEY_PREFIX + secrets.token_urlsafe(32),
    "fullengage": lambda: "ba_" + secrets.token_hex(20),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """What an API key resolves to: the tenant it acts for, its optional workspace limit, its
    rate limit (the key's, else its tenant's; None: the gateway's default) and when it ends."""

    key_id: int
    tenant_id: int
    workspace_id: int | None
    rate_limit: str | None = None
    expires_at: datetime | None = None
    scope: Scope = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scope", Scope(self.tenant_id, self.workspace_id))


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Keys:
    def __init__(self, db: Statements) -> None:
        self._db = db

    def create(
        self, tenant_id: int, *, workspace_id: int | None = None, name: str | None = None,
        expires_at: datetime | None = None, rate_limit: str | None = None,
        format: str = "clientgate",
    ) -> tuple[dict, str]:
        """A new key for the tenant: returns its record and the secret, which is never stored."""
        if format not in FORMATS:
            raise Invalid.one("format", "invalid")
        with self._db.write() as s:
            return insert(s, tenant_id, workspace_id=workspace_id, name=name,
                          expires_at=expires_at, rate_limit=rate_limit, format=format)

    def rotate(self, key_id: int, *, grace: timedelta,
               tenant_id: int | None = None) -> tuple[dict, str]:
        """A new secret for a key's holder: a new key with the same tenant, workspace, name,
        rate limit and expiry, while the old one keeps working for ``grace`` (or until it
        expires, if sooner). Returns the new key's record, with the id it ``replaces`` and the
        ``old_key_expires_at``, and its secret."""
        k = m.api_keys.c
        with self._db.write() as s:
            old = s.one(("keys.for_rotate",),
                        lambda: sa.select(m.api_keys).where(k.id == sa.bindparam("id"),
                                                            k.revoked_at.is_(None)),
                        {"id": key_id})
            if old is None or (tenant_id is not None and old["tenant_id"] != tenant_id):
                raise NotFound("api_key", key_id)
            ends, original = now() + grace, _aware(old["expires_at"])
            if original is None or original > ends:
                s.update(m.api_keys, key_id, {"expires_at": ends})
                old["expires_at"] = ends
            fmt = "fullengage" if old["prefix"].startswith("ba_") else "clientgate"
            # The new key ends when the old one would have: a rotation changes the secret,
            # not how long the holder may use it.
            new, secret = insert(
                s, old["tenant_id"], workspace_id=old["workspace_id"], name=old["name"],
                expires_at=original, rate_limit=old["rate_limit"], format=fmt)
        return {**new, "replaces": key_id, "old_key_expires_at": old["expires_at"]}, secret

    def set_limit(self, key_id: int, rate_limit: str | None) -> dict:
        """The key's own rate limit (None: its tenant's, else the default)."""
        with self._db.write() as s:
            if not s.update(m.api_keys, key_id, {"rate_limit": rate_limit}):
                raise NotFound("api_key", key_id)
        return next(k for k in self.list() if k["id"] == key_id)

    def touch(self, seen: dict[int, datetime]) -> None:
        """Record when keys were last used (``{key id: when}``), in one transaction."""
        if not seen:
            return
        k = m.api_keys.c
        with self._db.write() as s:
            s.executemany(("keys.touch",),
                          lambda: m.api_keys.update().where(k.id == sa.bindparam("key_id"))
                          .values(last_used_at=sa.bindparam("seen")),
                          [{"key_id": key, "seen": when} for key, when in seen.items()])

    def resolve(self, secret: str) -> Principal | None:
        """The principal for a presented key, or ``None`` if it is unknown or revoked."""
        if not secret or len(secret) > MAX_PRESENTED:
            return None
        return self.resolve_digest(hash_key(secret))

    def resolve_digest(self, digest: str) -> Principal | None:
        """``resolve`` for a key already hashed with ``hash_key``. An expired key resolves too
        (with its ``expires_at``): whoever authenticates refuses it, with that reason."""
        k, t = m.api_keys.c, m.tenants.c
        with self._db.read() as s:
            row = s.one(
                ("keys.resolve",),
                lambda: sa.select(k.id, k.tenant_id, k.workspace_id, k.key_hash, k.expires_at,
                                  sa.func.coalesce(k.rate_limit, t.rate_limit).label("limit"))
                .join(m.tenants, t.id == k.tenant_id)
                .where(k.key_hash == sa.bindparam("digest"), k.revoked_at.is_(None)),
                {"digest": digest},
            )
        if row is None or not hmac.compare_digest(row["key_hash"], digest):
            return None
        return Principal(row["id"], row["tenant_id"], row["workspace_id"], row["limit"],
                         _aware(row["expires_at"]))

    def revoke(self, key_id: int, *, tenant_id: int | None = None) -> dict:
        """Revoke a key (once: a second revocation keeps the first time); with ``tenant_id``,
        only one of that tenant's (``NotFound`` for another's)."""
        with self._db.write() as s:
            row = revoke_row(s, m.api_keys, key_id, _PUBLIC_COLUMNS, when=now(),
                             tenant_id=tenant_id)
        if row is None:
            raise NotFound("api_key", key_id)
        return _public(row)

    def list(self, tenant_id: int | None = None) -> list[dict]:
        """The keys operators issued (not the tokens accounts signed in for)."""
        k = m.api_keys.c
        filtered = tenant_id is not None
        with self._db.read() as s:
            rows = s.rows(
                ("keys.list", filtered),
                lambda: sa.select(*_PUBLIC_COLUMNS)
                .where(k.kind == "key",
                       *([k.tenant_id == sa.bindparam("tenant_id")] if filtered else []))
                .order_by(k.id),
                {"tenant_id": tenant_id} if filtered else {},
            )
        return [_public(r) for r in rows]


def insert(s: Session, tenant_id: int, *, workspace_id: int | None = None,
           name: str | None = None, expires_at: datetime | None = None,
           rate_limit: str | None = None, format: str = "clientgate", kind: str = "key",
           account_id: int | None = None,
           oauth_client_id: int | None = None) -> tuple[dict, str]:
    """A new Bearer credential in the session's transaction: an operator's key (``kind``
    ``key``), or a token an account signed in for (``oauth``, ``login``). Returns its record
    and its secret, which is never stored."""
    secret = FORMATS[format]()
    row = {
        "tenant_id": tenant_id, "workspace_id": workspace_id, "name": name,
        "prefix": secret[:PREFIX_SHOWN], "key_hash": hash_key(secret),
        "created_at": now(), "expires_at": expires_at, "rate_limit": rate_limit, "kind": kind,
        "account_id": account_id, "oauth_client_id": oauth_client_id,
    }
    require_tenant(s, tenant_id)
    if workspace_id is not None:
        require_workspace(s, tenant_id, workspace_id)
    row["id"] = s.insert(m.api_keys, row)
    return _public(row), secret


_PUBLIC_COLUMNS = [
    m.api_keys.c[name]
    for name in ("id", "tenant_id", "workspace_id", "name", "prefix", "created_at", "revoked_at",
                 "expires_at", "last_used_at", "rate_limit")
]


def _aware(when: datetime | None) -> datetime | None:
    return None if when is None else utc(when)


def _public(row: dict[str, Any]) -> dict:
    return {col.name: row.get(col.name) for col in _PUBLIC_COLUMNS}

