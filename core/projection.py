"""Which client fields a caller wants, compiled once into the SELECT that fetches them.

A dialect declares its projection at import time (``Projection("id", "name", "created_at")``), so
per request the store only binds parameters: no column lists are built, and related data (the
category name, the owner, tags, custom fields) is joined or fetched only when asked for.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from . import models as m
from .tags import listed

_owner = m.client_users.alias("owner")

COLUMNS: dict[str, sa.ColumnElement] = {c.name: c for c in m.clients.c if c.name != "tenant_id"}
JOINED: dict[str, sa.ColumnElement] = {
    "workspace_slug": m.workspaces.c.slug,
    "category_name": m.categories.c.name,
    "owner_id": _owner.c.id,
    "owner_first_name": _owner.c.first_name,
    "owner_last_name": _owner.c.last_name,
    "owner_email": _owner.c.email,
}
#: Read in the client's statement as a subquery each.
LISTED = {"tags": listed}
#: Read in a statement of their own, for a whole page at once (``client_rows.attach``).
FETCHED = frozenset({"custom_fields"})
FIELDS = frozenset(COLUMNS) | frozenset(JOINED) | frozenset(LISTED) | FETCHED


class Projection:
    """An immutable, precompiled choice of client fields. ``id`` is always included."""

    __slots__ = ("fields", "keys", "select", "tags", "custom_fields")

    def __init__(self, *fields: str) -> None:
        wanted = frozenset(fields) | {"id"}
        unknown = wanted - FIELDS
        if unknown:
            raise ValueError(f"unknown client fields: {sorted(unknown)}")
        self.fields = wanted
        self.tags = "tags" in wanted
        self.custom_fields = "custom_fields" in wanted
        selected = [n for n in (*COLUMNS, *JOINED, *LISTED) if n in wanted]
        self.keys = tuple(selected)
        source: sa.FromClause = m.clients
        c = m.clients.c
        if "workspace_slug" in wanted:
            w = m.workspaces.c
            source = source.join(m.workspaces, sa.and_(w.tenant_id == c.tenant_id,
                                                       w.id == c.workspace_id))
        if "category_name" in wanted:
            k = m.categories.c
            source = source.join(m.categories, sa.and_(k.tenant_id == c.tenant_id,
                                                       k.id == c.category_id))
        if wanted & {"owner_id", "owner_first_name", "owner_last_name", "owner_email"}:
            source = source.outerjoin(_owner, sa.and_(
                _owner.c.tenant_id == c.tenant_id, _owner.c.client_id == c.id, _owner.c.is_owner))
        columns = [(COLUMNS[n] if n in COLUMNS else JOINED[n] if n in JOINED else LISTED[n]())
                   .label(n) for n in selected]
        self.select = sa.select(*columns).select_from(source)

    def __or__(self, other: Projection | Iterable[str]) -> Projection:
        extra = other.fields if isinstance(other, Projection) else frozenset(other)
        return Projection(*(self.fields | extra))

    def __repr__(self) -> str:
        return f"Projection({', '.join(sorted(self.fields))})"


ALL = Projection(*FIELDS)
#: Every field stored with a client (tags and custom values too), with no join: what imports
#: and exports read.
STORED = Projection(*(f for f in FIELDS if f not in JOINED))
