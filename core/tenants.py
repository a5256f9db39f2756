"""Tenants: each one customer of the gateway, whose data no other tenant sees.

A new tenant starts with a default workspace (where clients created through dialects without a
workspace concept land) and a default category (Grow CRM's "system default category").
"""

from __future__ import annotations

import sqlalchemy as sa

from . import models as m
from .categories import DEFAULT_CATEGORY, Categories
from .checks import check_name, check_slug, require_tenant
from .clock import now
from .errors import Conflict, Invalid
from .sql import Statements
from .workspaces import Workspaces

t = m.tenants.c
bp = sa.bindparam


class Tenants:
    def __init__(self, db: Statements, workspaces: Workspaces, categories: Categories) -> None:
        self._db = db
        self._workspaces = workspaces
        self._categories = categories

    def create(self, name: str, *, workspace_slug: str = "default",
               workspace_name: str | None = None) -> dict:
        """A tenant with its default workspace and default category, in one transaction."""
        name = check_name(name)
        slug = check_slug(workspace_slug)
        tenant = {"name": name, "created_at": now()}
        with self._db.write() as s:
            tenant["id"] = s.insert(m.tenants, tenant, unique="name")
            self._workspaces.insert(s, tenant["id"], slug, workspace_name or slug, default=True)
            self._categories.insert(s, tenant["id"], DEFAULT_CATEGORY, default=True)
        return tenant

    def list(self) -> list[dict]:
        with self._db.read() as s:
            return s.rows(("tenants.list",),
                          lambda: sa.select(t.id, t.name, t.created_at).order_by(t.id), {})

    def find(self, name: str) -> dict | None:
        with self._db.read() as s:
            return s.one(("tenants.find",),
                         lambda: sa.select(t.id, t.name, t.created_at).where(t.name == bp("name")),
                         {"name": name})

    def rename(self, tenant_id: int, name: str) -> dict:
        name = check_name(name)
        with self._db.write() as s:
            require_tenant(s, tenant_id)
            taken = s.scalar(("tenants.name_taken",),
                             lambda: sa.select(t.id).where(t.name == bp("name"), t.id != bp("id")),
                             {"name": name, "id": tenant_id})
            if taken is not None:
                raise Conflict("name")
            s.update(m.tenants, tenant_id, {"name": name})
        return next(row for row in self.list() if row["id"] == tenant_id)

    def set_limit(self, tenant_id: int, rate_limit: str | None) -> dict:
        """The rate limit of the tenant's keys that have none of their own (None: the
        gateway's default)."""
        with self._db.write() as s:
            require_tenant(s, tenant_id)
            s.update(m.tenants, tenant_id, {"rate_limit": rate_limit})
        return {**next(row for row in self.list() if row["id"] == tenant_id),
                "rate_limit": rate_limit}

    def delete(self, tenant_id: int, *, with_clients: bool = False) -> dict:
        """The tenant and everything in it, in one transaction. A tenant that still holds
        clients is refused (``Invalid``: ``clients`` ``not_empty``) unless ``with_clients``.
        Returns how many clients went with it."""
        with self._db.write() as s:
            require_tenant(s, tenant_id)
            clients = s.scalar(
                ("tenants.clients",),
                lambda: sa.select(sa.func.count()).select_from(m.clients)
                .where(m.clients.c.tenant_id == bp("tenant_id")),
                {"tenant_id": tenant_id})
            if clients and not with_clients:
                raise Invalid.one("clients", "not_empty")
            # Children first: every table that names the tenant, then the tenant.
            for table in _OWNED:
                s.execute(("tenants.delete", table.name),
                          lambda table=table: table.delete()
                          .where(table.c.tenant_id == bp("tenant_id")),
                          {"tenant_id": tenant_id})
            s.execute(("tenants.delete",), lambda: m.tenants.delete().where(t.id == bp("id")),
                      {"id": tenant_id})
        return {"id": tenant_id, "clients_deleted": clients}


#: What a tenant owns, in an order that deletes every row before the rows it points at.
_OWNED = (m.custom_values, m.client_tags, m.client_users, m.outbox, m.idempotency_keys,
          m.clients, m.api_keys, m.custom_fields, m.categories, m.workspaces)
