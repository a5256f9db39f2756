"""Reading a whole tenant out: every client with everything the store holds about it.

``Exports.clients`` reads a tenant's clients a batch at a time (keyset paging, a short read per
batch, as GitScrum's stream does), each with its tags, custom values and people, so an export
of any size holds one batch in memory. The workspaces, categories and custom fields around them
come from their own services.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from . import models as m
from .projection import STORED
from .queries import ClientQuery
from .scope import Scope
from .sql import Statements
from .streaming import Batches
from .workspaces import Workspaces

u = m.client_users.c
bp = sa.bindparam
PEOPLE = ("id", "client_id", "kind", "first_name", "last_name", "email", "is_owner",
          "created_at")


class Exports:
    def __init__(self, db: Statements, workspaces: Workspaces) -> None:
        self._db = db
        self._workspaces = workspaces

    def clients(self, tenant_id: int, *, batch: int = 1000) -> Iterator[list[dict]]:
        """Every client of the tenant in id order, ``batch`` at a time, each with ``people``."""
        every = ClientQuery(limit=None, with_total=False)
        for rows in Batches(self._db, self._workspaces, Scope(tenant_id), every, STORED, batch):
            by_id = {r["id"]: r for r in rows}
            for row in rows:
                row["people"] = []
            chunk = {f"v{i}": v for i, v in enumerate(by_id)}
            with self._db.read() as s:
                people = s.rows(
                    ("export.people", len(chunk)),
                    lambda chunk=chunk: sa.select(*(u[k] for k in PEOPLE))
                    .where(u.tenant_id == bp("tenant_id"),
                           u.client_id.in_([bp(n) for n in chunk])).order_by(u.id),
                    {"tenant_id": tenant_id, **chunk})
            for person in people:
                by_id[person.pop("client_id")]["people"].append(person)
            yield rows

    def count(self, tenant_id: int) -> int:
        with self._db.read() as s:
            return s.scalar(("export.count",), lambda: sa.select(sa.func.count()).select_from(
                m.clients).where(m.clients.c.tenant_id == bp("tenant_id")),
                {"tenant_id": tenant_id})
