"""Client users and contacts, and the tenant's custom client fields."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sqlalchemy as sa

from . import models as m
from .clock import now
from .errors import Invalid
from .scope import Scope
from .tenants import check_name, insert_unique
from .values import clean_email, email_key

if TYPE_CHECKING:
    from .store import Store

KINDS = ("user", "contact")
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
_USER_COLUMNS = ("id", "client_id", "kind", "first_name", "last_name", "email", "is_owner",
                 "created_at")


class Users:
    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, scope: Scope, *, client_id: int | None, first_name: str, last_name: str,
               email: str, kind: str = "user") -> dict:
        """Add a user or contact; a contact may belong to no client until it is promoted."""
        if kind not in KINDS:
            raise Invalid.one("kind", "invalid")
        if clean_email(email) or "@" not in email:
            raise Invalid.one("email", "invalid")
        row = {
            "tenant_id": scope.tenant_id, "client_id": client_id, "kind": kind,
            "first_name": check_name(first_name, "first_name"),
            "last_name": check_name(last_name, "last_name"),
            "email": email, "email_key": email_key(email), "is_owner": False, "created_at": now(),
        }
        if client_id is not None:
            self._store.clients.require(scope, client_id)
        with self._store.write() as conn:
            insert_unique(conn, m.client_users, row, "email")
        return {k: row[k] for k in _USER_COLUMNS}

    def list(self, scope: Scope, *, client_id: int | None = None) -> list[dict]:
        u = m.client_users.c
        stmt = sa.select(*(u[k] for k in _USER_COLUMNS)).where(u.tenant_id == scope.tenant_id)
        if client_id is not None:
            stmt = stmt.where(u.client_id == client_id)
        with self._store.read() as conn:
            return [r._asdict() for r in conn.execute(stmt.order_by(u.id))]


class CustomFields:
    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, tenant_id: int, name: str, *, label: str | None = None,
               required: bool = False) -> dict:
        if not isinstance(name, str) or not FIELD_NAME.fullmatch(name):
            raise Invalid.one("name", "invalid")
        row = {"tenant_id": tenant_id, "name": name, "label": check_name(label or name, "label"),
               "required": required, "created_at": now()}
        with self._store.write() as conn:
            self._store.tenants.require(conn, tenant_id)
            return insert_unique(conn, m.custom_fields, row, "name")

    def list(self, tenant_id: int) -> list[dict]:
        f = m.custom_fields.c
        with self._store.read() as conn:
            return [
                r._asdict()
                for r in conn.execute(
                    sa.select(f.id, f.tenant_id, f.name, f.label, f.required)
                    .where(f.tenant_id == tenant_id).order_by(f.id)
                )
            ]
