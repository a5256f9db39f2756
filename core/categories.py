"""A tenant's client categories (Grow CRM's), one of them the default new clients get."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from . import models as m
from .checks import check_name, require_tenant
from .clock import now
from .errors import Conflict, Invalid, NotFound
from .lookups import Lookup, find, known
from .numbering import take
from .scope import Scope
from .session import Session
from .sql import Statements
from .values import valid_id

DEFAULT_CATEGORY = "Default"
k = m.categories.c
bp = sa.bindparam


class Categories:
    def __init__(self, db: Statements) -> None:
        self._db = db

    def create(self, tenant_id: int, name: str) -> dict:
        with self._db.write() as s:
            require_tenant(s, tenant_id)
            return self.insert(s, tenant_id, check_name(name))

    def insert(self, s: Session, tenant_id: int, name: str, *, default: bool = False) -> dict:
        row = {"tenant_id": tenant_id, "id": take(s, tenant_id, "category"), "name": name,
               "is_default": default, "created_at": now()}
        s.insert(m.categories, row, unique="name")
        return row

    def list(self, tenant_id: int) -> list[dict]:
        with self._db.read() as s:
            return s.rows(
                ("categories.list",),
                lambda: sa.select(k.id, k.tenant_id, k.name, k.is_default)
                .where(k.tenant_id == bp("tenant_id")).order_by(k.id),
                {"tenant_id": tenant_id},
            )

    def set_default(self, tenant_id: int, category_id: int) -> dict:
        with self._db.write() as s:
            if not valid_id(category_id) or self._find(s, tenant_id, category_id) is None:
                raise NotFound("category", category_id)
            s.execute(("categories.clear_default",),
                      lambda: m.categories.update()
                      .where(k.tenant_id == bp("tenant_id"), k.is_default)
                      .values(is_default=False),
                      {"tenant_id": tenant_id})
            s.update(m.categories, category_id, {"is_default": True}, tenant_id=tenant_id)
        return next(c for c in self.list(tenant_id) if c["id"] == category_id)

    def rename(self, tenant_id: int, category_id: int, name: str) -> dict:
        name = check_name(name)
        with self._db.write() as s:
            if not valid_id(category_id) or self._find(s, tenant_id, category_id) is None:
                raise NotFound("category", category_id)
            if s.scalar(("categories.name_taken",),
                        lambda: sa.select(k.id).where(k.tenant_id == bp("tenant_id"),
                                                      k.name == bp("name"), k.id != bp("id")),
                        {"tenant_id": tenant_id, "name": name, "id": category_id}) is not None:
                raise Conflict("name")
            s.update(m.categories, category_id, {"name": name}, tenant_id=tenant_id)
        return next(c for c in self.list(tenant_id) if c["id"] == category_id)

    def delete(self, tenant_id: int, category_id: int) -> dict:
        """A category that is not the default; its clients move to the default category (and
        show as updated now, for integrations that sync by ``updated_at``). Returns how many
        moved."""
        c = m.clients.c
        where = {"tenant_id": tenant_id, "id": category_id}
        with self._db.write() as s:
            if not valid_id(category_id) or self._find(s, tenant_id, category_id) is None:
                raise NotFound("category", category_id)
            default = s.scalar(
                ("default_category",),
                lambda: sa.select(k.id).where(k.tenant_id == bp("tenant_id"), k.is_default),
                {"tenant_id": tenant_id})
            if default == category_id:
                raise Invalid.one("category", "is_default")
            moved = s.execute(("categories.move_clients",),
                              lambda: m.clients.update()
                              .where(c.tenant_id == bp("tenant_id"), c.category_id == bp("id"))
                              .values(category_id=bp("default"), updated_at=bp("now")),
                              {**where, "default": default, "now": now()})
            s.execute(("categories.delete",),
                      lambda: m.categories.delete().where(k.tenant_id == bp("tenant_id"),
                                                          k.id == bp("id")), where)
        return {"id": category_id, "clients_moved": moved, "moved_to": default}

    # -- inside a client write ---------------------------------------------------------------

    def resolve(self, s: Session, scope: Scope, category_id: Any) -> int:
        """The category a client gets: ``category_id`` if it is the tenant's, the tenant's
        default for ``None``; ``Invalid`` (``unknown``) otherwise."""
        return find(s, self.resolving(scope, category_id))[0]

    @staticmethod
    def resolving(scope: Scope, category_id: Any) -> Lookup:
        """``resolve`` as a lookup, to be found with others (``core.lookups``)."""
        unknown = Invalid.one("category_id", "unknown")
        if category_id is None:
            return Lookup(
                ("default_category",),
                lambda: sa.select(k.id).where(k.tenant_id == bp("tenant_id"), k.is_default),
                {"tenant_id": scope.tenant_id}, missing=unknown)
        if not valid_id(category_id):
            return known(None, unknown)
        return Lookup(("category",), _by_id, {"tenant_id": scope.tenant_id, "id": category_id},
                      missing=unknown)

    def _find(self, s: Session, tenant_id: int, category_id: int) -> int | None:
        return s.scalar(("category",), _by_id, {"tenant_id": tenant_id, "id": category_id})


def _by_id() -> sa.Select:
    return sa.select(k.id).where(k.tenant_id == bp("tenant_id"), k.id == bp("id"))
