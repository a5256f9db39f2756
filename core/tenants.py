"""Tenants, their workspaces and their client categories.

A new tenant starts with a default workspace (where clients created through dialects without a
workspace concept land) and a default category (Grow CRM's "system default category").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import models as m
from .clock import now
from .errors import Conflict, Invalid, NotFound
from .scope import Scope
from .values import valid_id

if TYPE_CHECKING:
    from .store import Store

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?")
DEFAULT_CATEGORY = "Default"


def check_slug(slug: Any) -> str:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise Invalid.one("slug", "invalid")
    return slug


def check_name(name: Any, field: str = "name") -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > m.NAME_MAX or "\x00" in name:
        raise Invalid.one(field, "invalid")
    return name.strip()


def insert_unique(conn: sa.Connection, table: sa.Table, row: dict, unique_field: str) -> dict:
    """Insert ``row``, setting its ``id``; a broken unique constraint is ``Conflict(unique_field)``
    (in a savepoint, so the caller's transaction goes on)."""
    try:
        with conn.begin_nested():
            row["id"] = conn.execute(table.insert().values(row).returning(table.c.id)).scalar_one()
    except sa.exc.IntegrityError:
        raise Conflict(unique_field) from None
    return row


class Tenants:
    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, name: str, *, workspace_slug: str = "default",
               workspace_name: str | None = None) -> dict:
        """A tenant with its default workspace and default category, in one transaction."""
        name = check_name(name)
        slug = check_slug(workspace_slug)
        with self._store.write() as conn:
            tenant = insert_unique(conn, m.tenants, {"name": name, "created_at": now()}, "name")
            self._store.workspaces.insert(conn, tenant["id"], slug, workspace_name or slug,
                                          default=True)
            self._store.categories.insert(conn, tenant["id"], DEFAULT_CATEGORY, default=True)
        return tenant

    def list(self) -> list[dict]:
        t = m.tenants.c
        with self._store.read() as conn:
            return [r._asdict() for r in conn.execute(sa.select(t.id, t.name, t.created_at)
                                                      .order_by(t.id))]

    def find(self, name: str) -> dict | None:
        t = m.tenants.c
        with self._store.read() as conn:
            row = conn.execute(sa.select(t.id, t.name, t.created_at).where(t.name == name)).first()
        return row._asdict() if row else None

    def require(self, conn: sa.Connection, tenant_id: Any) -> None:
        t = m.tenants.c
        if not valid_id(tenant_id) or conn.execute(
            sa.select(t.id).where(t.id == tenant_id)
        ).first() is None:
            raise NotFound("tenant", tenant_id)


class Workspaces:
    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, tenant_id: int, slug: str, name: str | None = None) -> dict:
        slug = check_slug(slug)
        with self._store.write() as conn:
            self._store.tenants.require(conn, tenant_id)
            return self.insert(conn, tenant_id, slug, check_name(name or slug))

    def insert(self, conn: sa.Connection, tenant_id: int, slug: str, name: str, *,
               default: bool = False) -> dict:
        row = {"tenant_id": tenant_id, "slug": slug, "name": name, "is_default": default,
               "created_at": now()}
        return insert_unique(conn, m.workspaces, row, "slug")

    def list(self, tenant_id: int | None = None) -> list[dict]:
        w = m.workspaces.c
        stmt = sa.select(w.id, w.tenant_id, w.slug, w.name, w.is_default, w.created_at)
        if tenant_id is not None:
            stmt = stmt.where(w.tenant_id == tenant_id)
        with self._store.read() as conn:
            return [r._asdict() for r in conn.execute(stmt.order_by(w.id))]

    def find(self, scope: Scope, *, id: Any = None, slug: Any = None) -> dict:
        """A workspace the scope may use, by id or slug; ``NotFound`` for any other."""
        w = m.workspaces.c
        if id is not None:
            if not valid_id(id):
                raise NotFound("workspace", id)
            where = w.id == id
        elif isinstance(slug, str) and SLUG.fullmatch(slug):
            where = w.slug == slug
        else:
            raise NotFound("workspace", slug)
        with self._store.read() as conn:
            row = conn.execute(
                sa.select(w.id, w.tenant_id, w.slug, w.name, w.is_default)
                .where(where, w.tenant_id == scope.tenant_id)
            ).first()
        if row is None or not scope.allows_workspace(row.id):
            raise NotFound("workspace", id if id is not None else slug)
        return row._asdict()

    def require(self, conn: sa.Connection, tenant_id: int, workspace_id: Any) -> None:
        w = m.workspaces.c
        if not valid_id(workspace_id) or conn.execute(
            sa.select(w.id).where(w.id == workspace_id, w.tenant_id == tenant_id)
        ).first() is None:
            raise NotFound("workspace", workspace_id)


class Categories:
    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, tenant_id: int, name: str) -> dict:
        with self._store.write() as conn:
            self._store.tenants.require(conn, tenant_id)
            return self.insert(conn, tenant_id, check_name(name))

    def insert(self, conn: sa.Connection, tenant_id: int, name: str, *,
               default: bool = False) -> dict:
        row = {"tenant_id": tenant_id, "name": name, "is_default": default, "created_at": now()}
        return insert_unique(conn, m.categories, row, "name")

    def list(self, tenant_id: int) -> list[dict]:
        k = m.categories.c
        with self._store.read() as conn:
            return [
                r._asdict()
                for r in conn.execute(
                    sa.select(k.id, k.tenant_id, k.name, k.is_default)
                    .where(k.tenant_id == tenant_id).order_by(k.id)
                )
            ]

    def set_default(self, tenant_id: int, category_id: int) -> dict:
        k = m.categories.c
        with self._store.write() as conn:
            found = conn.execute(
                sa.select(k.id).where(k.id == category_id, k.tenant_id == tenant_id)
            ).first() if valid_id(category_id) else None
            if found is None:
                raise NotFound("category", category_id)
            conn.execute(m.categories.update().where(k.tenant_id == tenant_id, k.is_default)
                         .values(is_default=False))
            conn.execute(m.categories.update().where(k.id == category_id).values(is_default=True))
        return next(c for c in self.list(tenant_id) if c["id"] == category_id)
