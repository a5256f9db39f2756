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
from typing import Any

import sqlalchemy as sa

from . import models as m
from .checks import require_tenant
from .clock import now
from .errors import NotFound
from .scope import Scope
from .sql import Statements
from .workspaces import require_workspace

KEY_PREFIX = "cg_"
PREFIX_SHOWN = len(KEY_PREFIX) + 8
MAX_PRESENTED = 256


@dataclass(frozen=True, slots=True)
class Principal:
    """What an API key resolves to: the tenant it acts for and its optional workspace limit."""

    key_id: int
    tenant_id: int
    workspace_id: int | None
    scope: Scope = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "scope", Scope(self.tenant_id, self.workspace_id))


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Keys:
    def __init__(self, db: Statements) -> None:
        self._db = db

    def create(
        self, tenant_id: int, *, workspace_id: int | None = None, name: str | None = None
    ) -> tuple[dict, str]:
        """A new key for the tenant: returns its record and the secret, which is never stored."""
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        row = {
            "tenant_id": tenant_id,
            "workspace_id": workspace_id,
            "name": name,
            "prefix": secret[:PREFIX_SHOWN],
            "key_hash": hash_key(secret),
            "created_at": now(),
        }
        with self._db.write() as s:
            require_tenant(s, tenant_id)
            if workspace_id is not None:
                require_workspace(s, tenant_id, workspace_id)
            row["id"] = s.insert(m.api_keys, row)
        return _public(row), secret

    def resolve(self, secret: str) -> Principal | None:
        """The principal for a presented key, or ``None`` if it is unknown or revoked."""
        if not secret or len(secret) > MAX_PRESENTED:
            return None
        return self.resolve_digest(hash_key(secret))

    def resolve_digest(self, digest: str) -> Principal | None:
        """``resolve`` for a key already hashed with ``hash_key``."""
        k = m.api_keys.c
        with self._db.read() as s:
            row = s.one(
                ("keys.resolve",),
                lambda: sa.select(k.id, k.tenant_id, k.workspace_id, k.key_hash).where(
                    k.key_hash == sa.bindparam("digest"), k.revoked_at.is_(None)
                ),
                {"digest": digest},
            )
        if row is None or not hmac.compare_digest(row["key_hash"], digest):
            return None
        return Principal(row["id"], row["tenant_id"], row["workspace_id"])

    def revoke(self, key_id: int, *, tenant_id: int | None = None) -> dict:
        """Revoke a key (once: a second revocation keeps the first time); with ``tenant_id``,
        only one of that tenant's (``NotFound`` for another's)."""
        k = m.api_keys.c
        scoped = tenant_id is not None
        with self._db.write() as s:
            row = s.one(
                ("keys.revoke", scoped),
                lambda: m.api_keys.update()
                .where(k.id == sa.bindparam("id"),
                       *([k.tenant_id == sa.bindparam("tenant_id")] if scoped else []))
                .values(revoked_at=sa.func.coalesce(k.revoked_at, sa.bindparam("now")))
                .returning(*_PUBLIC_COLUMNS),
                {"id": key_id, "now": now(), **({"tenant_id": tenant_id} if scoped else {})},
            )
        if row is None:
            raise NotFound("api_key", key_id)
        return _public(row)

    def list(self, tenant_id: int | None = None) -> list[dict]:
        k = m.api_keys.c
        filtered = tenant_id is not None
        with self._db.read() as s:
            rows = s.rows(
                ("keys.list", filtered),
                lambda: sa.select(*_PUBLIC_COLUMNS)
                .where(*([k.tenant_id == sa.bindparam("tenant_id")] if filtered else []))
                .order_by(k.id),
                {"tenant_id": tenant_id} if filtered else {},
            )
        return [_public(r) for r in rows]


_PUBLIC_COLUMNS = [
    m.api_keys.c[name]
    for name in ("id", "tenant_id", "workspace_id", "name", "prefix", "created_at", "revoked_at")
]


def _public(row: dict[str, Any]) -> dict:
    return {col.name: row.get(col.name) for col in _PUBLIC_COLUMNS}

