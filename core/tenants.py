"""Tenants: each one customer of the gateway, whose data no other tenant sees.

A new tenant starts with a default workspace (where clients created through dialects without a
workspace concept land) and a default category (Grow CRM's "system default category").
"""

from __future__ import annotations

import sqlalchemy as sa

from . import models as m
from .categories import DEFAULT_CATEGORY, Categories
from .checks import check_name, check_slug
from .clock import now
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
