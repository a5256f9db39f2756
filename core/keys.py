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
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import models as m
from .clock import now
from .errors import NotFound
from .scope import Scope

if TYPE_CHECKING:
    from .store import Store

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
    def __init__(self, store: Store) -> None:
        self._store = store

    def create(
        self, tenant_id: int, *, workspace_id: int | None = None, name: str | None = None
    ) -> tuple[dict, str]:
        """A new key for the tenant: returns its record and the secret, which is never stored."""
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        k = m.api_keys
        with self._store.write() as conn:
            self._store.tenants.require(conn, tenant_id)
            if workspace_id is not None:
                self._store.workspaces.require(conn, tenant_id, workspace_id)
            row = {
                "tenant_id": tenant_id,
                "workspace_id": workspace_id,
                "name": name,
                "prefix": secret[:PREFIX_SHOWN],
                "key_hash": hash_key(secret),
                "created_at": now(),
            }
            row["id"] = conn.execute(k.insert().values(row).returning(k.c.id)).scalar_one()
        return _public(row), secret

    def resolve(self, secret: str) -> Principal | None:
        """The principal for a presented key, or ``None`` if it is unknown or revoked."""
        if not secret or len(secret) > MAX_PRESENTED:
            return None
        return self.resolve_digest(hash_key(secret))

    def resolve_digest(self, digest: str) -> Principal | None:
        """``resolve`` for a key already hashed with ``hash_key``."""
        k = m.api_keys.c
        with self._store.read() as conn:
            row = conn.execute(
                sa.select(k.id, k.tenant_id, k.workspace_id, k.key_hash).where(
                    k.key_hash == digest, k.revoked_at.is_(None)
                )
            ).first()
        if row is None or not hmac.compare_digest(row.key_hash, digest):
            return None
        return Principal(row.id, row.tenant_id, row.workspace_id)

    def revoke(self, key_id: int) -> dict:
        k = m.api_keys.c
        with self._store.write() as conn:
            row = conn.execute(
                m.api_keys.update()
                .where(k.id == key_id)
                .values(revoked_at=sa.func.coalesce(k.revoked_at, now()))
                .returning(*_PUBLIC_COLUMNS)
            ).first()
        if row is None:
            raise NotFound("api_key", key_id)
        return _public(row._asdict())

    def list(self, tenant_id: int | None = None) -> list[dict]:
        k = m.api_keys.c
        stmt = sa.select(*_PUBLIC_COLUMNS).order_by(k.id)
        if tenant_id is not None:
            stmt = stmt.where(k.tenant_id == tenant_id)
        with self._store.read() as conn:
            return [_public(r._asdict()) for r in conn.execute(stmt)]


_PUBLIC_COLUMNS = [
    m.api_keys.c[name]
    for name in ("id", "tenant_id", "workspace_id", "name", "prefix", "created_at", "revoked_at")
]


def _public(row: dict[str, Any]) -> dict:
    return {col.name: row.get(col.name) for col in _PUBLIC_COLUMNS}

