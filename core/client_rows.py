"""Finding and reading one client row inside a session: what every client operation starts with.

A client is addressed by ``id`` (integer) or ``uuid``; a key that cannot exist (a negative id, a
malformed uuid) is simply not found. Every statement carries the caller's ``Scope``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.sql import visitors

from . import custom_fields
from . import models as m
from .clock import now
from .errors import NotFound
from .projection import Projection
from .scope import Scope, scope_terms, scoped
from .session import Session
from .tags import listed
from .values import client_uuid, valid_id

c = m.clients.c
bp = sa.bindparam


class Key(NamedTuple):
    """One client, by ``id`` or ``uuid``, checked to be able to exist at all; ``asked`` is the
    value as the caller gave it (what a ``NotFound`` names)."""

    column: str
    value: Any
    asked: Any

    @classmethod
    def of(cls, id: Any = None, uuid: Any = None) -> Key:
        if id is not None:
            if not valid_id(id):
                raise NotFound("client", id)
            return cls("id", id, id)
        canonical = client_uuid(uuid)
        if canonical is None:
            raise NotFound("client", uuid)
        return cls("uuid", canonical, uuid)

    @classmethod
    def row(cls, client_id: int) -> Key:
        return cls("id", client_id, client_id)


def fetch(s: Session, scope: Scope, key: Key, proj: Projection, *,
          slug: str | None = None) -> dict:
    """The client ``key`` names as ``proj`` shows it, or ``NotFound``; with ``slug``, only in
    the workspace of the tenant that slug names (looked up in the same statement)."""
    w = m.workspaces.c

    def build() -> sa.Executable:
        terms = [*scope_terms(scope.limited), c[key.column] == bp("key")]
        if slug is not None:
            terms.append(c.workspace_id == sa.select(w.id).where(
                w.tenant_id == bp("tenant_id"), w.slug == bp("slug")).scalar_subquery())
        return proj.select.where(*terms)

    values = scoped(scope, key=key.value, **({} if slug is None else {"slug": slug}))
    row = s.one(("get", proj, key.column, scope.limited, slug is not None), build, values)
    if row is None:
        raise NotFound("client", key.asked)
    if proj.custom_fields:
        attach(s, scope.tenant_id, [row], proj)
    return row


def insert(s: Session, scope: Scope, row: Mapping[str, Any], proj: Projection) -> dict:
    """A new client's ``row`` inserted, and read back as ``proj`` shows it, when nothing else
    of the client is written (no tags, owner or custom values: ``proj`` shows none). This is
    the session's last write (``Session.last_write``). On PostgreSQL the insert and the read are
    one statement, the projection selecting from the inserted row; SQLite has no insert in a
    ``WITH``, and its round trips cost nothing, so there it is the insert, then ``fetch``."""
    if s.sqlite:
        return fetch(s, scope, Key.row(s.insert(m.clients, row)), proj)
    columns = tuple(sorted(row))
    shown = s.last_write(("insert_shown", proj, columns), lambda: _inserted(proj, columns),
                         {f"v_{k}": v for k, v in row.items()})
    if proj.custom_fields:
        attach(s, scope.tenant_id, [shown], proj)
    return shown


def _inserted(proj: Projection, columns: tuple[str, ...]) -> sa.Select:
    """``proj``'s SELECT of the row ``INSERT ... RETURNING`` gives, in a ``WITH``: every
    reference to ``clients`` is to that row, and its tags are none."""
    new = (m.clients.insert().values({k: bp(f"v_{k}") for k in columns})
           .returning(*m.clients.c).cte("new_client"))

    def swap(element: Any) -> Any:
        if element is m.clients:
            return new
        if isinstance(element, sa.Column) and element.table is m.clients:
            return new.c[element.name]
        if isinstance(element, listed):
            return sa.literal_column("CAST('[]' AS json)", type_=listed.type)
        return None

    return visitors.replacement_traverse(proj.select, {}, swap)


def attach(s: Session, tenant_id: int, rows: list[dict], proj: Projection) -> None:
    """Add custom field values to ``rows`` (clients of ``tenant_id``), in one query, if the
    projection asks (tags come in the rows' own statement: ``tags.listed``)."""
    if rows and proj.custom_fields:
        custom_fields.attach(s, tenant_id, {r["id"]: r for r in rows})


def reach(s: Session, scope: Scope, key: Key) -> int | None:
    """The id of the client ``key`` names, if the scope can reach it."""
    return s.scalar(
        ("locate", key.column, scope.limited),
        lambda: sa.select(c.id).where(*scope_terms(scope.limited), c[key.column] == bp("key")),
        scoped(scope, key=key.value),
    )


def locate(s: Session, scope: Scope, key: Key) -> int:
    """``reach``, or ``NotFound``."""
    found = reach(s, scope, key)
    if found is None:
        raise NotFound("client", key.asked)
    return found


def touch(s: Session, scope: Scope, client_id: int, values: Mapping[str, Any]) -> None:
    """Write ``values`` to the client and mark it updated now."""
    s.update(m.clients, client_id, {**values, "updated_at": now()}, tenant_id=scope.tenant_id)
