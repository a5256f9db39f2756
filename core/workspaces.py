"""A tenant's workspaces: Outlign's companies (by integer id) and GitScrum's workspaces (by slug).

Every client belongs to one; a key may be limited to one (``Scope.workspace_id``).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from . import models as m
from .checks import SLUG, check_name, check_slug, require_tenant
from .clock import now
from .errors import Conflict, Invalid, NotFound
from .lookups import Lookup, find, known
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

    def rename(self, tenant_id: int, workspace_id: int, *, slug: str | None = None,
               name: str | None = None) -> dict:
        """A new slug, a new name, or both."""
        values: dict[str, Any] = {}
        if slug is not None:
            values["slug"] = check_slug(slug)
        if name is not None:
            values["name"] = check_name(name)
        with self._db.write() as s:
            require_workspace(s, tenant_id, workspace_id)
            if "slug" in values and s.scalar(
                ("workspaces.slug_taken",),
                lambda: sa.select(w.id).where(w.tenant_id == bp("tenant_id"),
                                              w.slug == bp("slug"), w.id != bp("id")),
                {"tenant_id": tenant_id, "slug": values["slug"], "id": workspace_id},
            ) is not None:
                raise Conflict("slug")
            if values:
                s.update(m.workspaces, workspace_id, values, tenant_id=tenant_id)
        return next(row for row in self.list(tenant_id) if row["id"] == workspace_id)

    def delete(self, tenant_id: int, workspace_id: int) -> dict:
        """An empty workspace that is not the tenant's default, with the keys limited to it
        (``Invalid``: ``workspace`` ``not_empty`` or ``is_default`` otherwise). Returns how many
        keys went with it."""
        a = m.api_keys.c
        with self._db.write() as s:
            require_workspace(s, tenant_id, workspace_id)
            where = {"tenant_id": tenant_id, "id": workspace_id}
            row = s.one(("workspaces.for_delete",),
                        lambda: sa.select(w.is_default, sa.select(sa.func.count())
                                          .where(m.clients.c.tenant_id == w.tenant_id,
                                                 m.clients.c.workspace_id == w.id)
                                          .scalar_subquery().label("clients"))
                        .where(w.tenant_id == bp("tenant_id"), w.id == bp("id")), where)
            assert row is not None
            if row["is_default"]:
                raise Invalid.one("workspace", "is_default")
            if row["clients"]:
                raise Invalid.one("workspace", "not_empty")
            keys = s.execute(("workspaces.delete_keys",),
                             lambda: m.api_keys.delete().where(
                                 a.tenant_id == bp("tenant_id"), a.workspace_id == bp("id")),
                             where)
            s.execute(("workspaces.delete",),
                      lambda: m.workspaces.delete().where(w.tenant_id == bp("tenant_id"),
                                                          w.id == bp("id")), where)
        return {"id": workspace_id, "keys_deleted": keys}

    # -- inside a client write ---------------------------------------------------------------

    def check(self, s: Session, scope: Scope, workspace_id: Any) -> int:
        """``workspace_id`` if the scope may use that workspace, else ``Invalid`` (``unknown``)."""
        return find(s, self.checking(scope, workspace_id))[0]

    def writable(self, s: Session, scope: Scope, workspace_id: Any) -> int:
        """Where a new client goes: the workspace asked for, else the key's, else the default."""
        return find(s, self.placing(scope, workspace_id))[0]

    @staticmethod
    def checking(scope: Scope, workspace_id: Any) -> Lookup:
        """``check`` as a lookup, to be found with others (``core.lookups``)."""
        unknown = Invalid.one("workspace_id", "unknown")
        if not (valid_id(workspace_id) and scope.allows_workspace(workspace_id)):
            return known(None, unknown)
        return Lookup(
            ("workspace",),
            lambda: sa.select(w.id).where(w.id == bp("id"), w.tenant_id == bp("tenant_id")),
            {"id": workspace_id, "tenant_id": scope.tenant_id}, missing=unknown)

    def placing(self, scope: Scope, workspace_id: Any) -> Lookup:
        """``writable`` as a lookup, to be found with others (``core.lookups``)."""
        if workspace_id is not None:
            return self.checking(scope, workspace_id)
        if scope.workspace_id is not None:
            return known(scope.workspace_id)
        return Lookup(
            ("default_workspace",),
            lambda: sa.select(w.id).where(w.tenant_id == bp("tenant_id"))
            .order_by(w.is_default.desc(), w.id).limit(1),
            {"tenant_id": scope.tenant_id})
