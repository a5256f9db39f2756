"""A tenant's workspaces: Outlign's companies (by integer id) and GitScrum's workspaces (by slug).

Every client belongs to one; a key may be limited to one (``Scope.workspace_id``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from . import models as m
from .checks import SLUG, check_name, check_slug, require_tenant
from .clock import now
from .errors import Invalid, NotFound
from .numbering import take
from .scope import Scope
from .session import Session
from .sql import Statements
from .values import valid_id

w = m.workspaces.c
bp = sa.bindparam
_COLUMNS = (w.id, w.tenant_id, w.slug, w.name, w.is_default)


def require_workspace(s: Session, tenant_id: int, workspace_id: Any) -> None:
    """``NotFound`` unless ``workspace_id`` is one of the tenant's workspaces."""
    if not valid_id(workspace_id) or s.scalar(
        ("workspaces.exists",),
        lambda: sa.select(w.id).where(w.id == bp("id"), w.tenant_id == bp("tenant_id")),
        {"id": workspace_id, "tenant_id": tenant_id},
    ) is None:
        raise NotFound("workspace", workspace_id)


class Workspaces:
    def __init__(self, db: Statements) -> None:
        self._db = db

    def create(self, tenant_id: int, slug: str, name: str | None = None) -> dict:
        slug = check_slug(slug)
        with self._db.write() as s:
            require_tenant(s, tenant_id)
            return self.insert(s, tenant_id, slug, check_name(name or slug))

    def insert(self, s: Session, tenant_id: int, slug: str, name: str, *,
               default: bool = False) -> dict:
        row = {"tenant_id": tenant_id, "id": take(s, tenant_id, "workspace"), "slug": slug,
               "name": name, "is_default": default, "created_at": now()}
        s.insert(m.workspaces, row, unique="slug")
        return row

    def list(self, tenant_id: int | None = None) -> list[dict]:
        filtered = tenant_id is not None
        with self._db.read() as s:
            return s.rows(
                ("workspaces.list", filtered),
                lambda: sa.select(*_COLUMNS, w.created_at)
                .where(*([w.tenant_id == bp("tenant_id")] if filtered else [])).order_by(w.id),
                {"tenant_id": tenant_id} if filtered else {},
            )

    def find(self, scope: Scope, *, id: Any = None, slug: Any = None) -> dict:
        """A workspace the scope may use, by id or slug; ``NotFound`` for any other."""
        if id is not None:
            if not valid_id(id):
                raise NotFound("workspace", id)
            column, value = "id", id
        elif isinstance(slug, str) and SLUG.fullmatch(slug):
            column, value = "slug", slug
        else:
            raise NotFound("workspace", slug)
        with self._db.read() as s:
            row = s.one(
                ("workspaces.find", column),
                lambda: sa.select(*_COLUMNS)
                .where(w[column] == bp("value"), w.tenant_id == bp("tenant_id")),
                {"value": value, "tenant_id": scope.tenant_id},
            )
        if row is None or not scope.allows_workspace(row["id"]):
            raise NotFound("workspace", value)
        return row

    # -- inside a client write ---------------------------------------------------------------

    def check(self, s: Session, scope: Scope, workspace_id: Any) -> int:
        """``workspace_id`` if the scope may use that workspace, else ``Invalid`` (``unknown``)."""
        if valid_id(workspace_id) and scope.allows_workspace(workspace_id):
            found = s.scalar(
                ("workspace",),
                lambda: sa.select(w.id).where(w.id == bp("id"), w.tenant_id == bp("tenant_id")),
                {"id": workspace_id, "tenant_id": scope.tenant_id},
            )
            if found is not None:
                return found
        raise Invalid.one("workspace_id", "unknown")

    def writable(self, s: Session, scope: Scope, workspace_id: Any) -> int:
        """Where a new client goes: the workspace asked for, else the key's, else the default."""
        if workspace_id is not None:
            return self.check(s, scope, workspace_id)
        if scope.workspace_id is not None:
            return scope.workspace_id
        return s.scalar(
            ("default_workspace",),
            lambda: sa.select(w.id).where(w.tenant_id == bp("tenant_id"))
            .order_by(w.is_default.desc(), w.id).limit(1),
            {"tenant_id": scope.tenant_id},
        )
