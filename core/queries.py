"""Listing clients: filters, case-insensitive search, whitelisted sorting and paging.

Dialects translate their vendor's query parameters into a ``ClientQuery``; no vendor parameter
name reaches this module, and nothing here reaches a dialect but plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from . import models as m
from .errors import Invalid
from .models import TEXT_MAX
from .scope import Scope
from .values import clean_string

SEARCHABLE = {
    "name": m.clients.c.name,
    "email": m.clients.c.email,
    "phone": m.clients.c.phone,
    "contact_person": m.clients.c.contact_person,
    "notes": m.clients.c.notes,
}
SORTABLE = {
    "id": m.clients.c.id,
    "name": m.clients.c.name,
    "phone": m.clients.c.phone,
    "email": m.clients.c.email,
    "status": m.clients.c.status,
    "industry": m.clients.c.industry,
    "created_at": m.clients.c.created_at,
    "updated_at": m.clients.c.updated_at,
}
MAX_LIMIT = 1000
#: Past this offset no tenant has rows; larger offsets are answered without asking the database
#: (PostgreSQL's OFFSET is a bigint).
MAX_OFFSET = 2**62


@dataclass(frozen=True, slots=True)
class Sort:
    field: str
    descending: bool = False

    def __post_init__(self) -> None:
        if self.field not in SORTABLE:
            raise ValueError(f"cannot sort clients by {self.field!r}")


@dataclass(frozen=True, slots=True)
class ClientQuery:
    """What to list. ``limit=None`` means every match (used by streaming, never by a page)."""

    workspace_id: int | None = None
    statuses: tuple[str, ...] = ()
    category_id: int | None = None
    industry: str | None = None
    search: str | None = None
    search_fields: tuple[str, ...] = ("name",)
    sort: tuple[Sort, ...] = (Sort("id"),)
    offset: int = 0
    limit: int | None = 50
    with_total: bool = True

    def __post_init__(self) -> None:
        unknown = set(self.search_fields) - SEARCHABLE.keys()
        if unknown:
            raise ValueError(f"cannot search clients by {sorted(unknown)}")
        if self.offset < 0 or (self.limit is not None and not 0 < self.limit <= MAX_LIMIT):
            raise ValueError("offset must be >= 0 and limit between 1 and 1000")
        for name in ("search", "industry"):
            value = getattr(self, name)
            if value is not None and clean_string(value, TEXT_MAX):
                raise Invalid.one(name, clean_string(value, TEXT_MAX) or "invalid")


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict]
    total: int | None = None
    offset: int = 0
    limit: int | None = None
    extra: dict = field(default_factory=dict)


def scoped(scope: Scope) -> list[sa.ColumnElement[bool]]:
    """The WHERE terms that confine a statement on ``clients`` to a caller's scope."""
    terms = [m.clients.c.tenant_id == scope.tenant_id]
    if scope.workspace_id is not None:
        terms.append(m.clients.c.workspace_id == scope.workspace_id)
    return terms


def conditions(scope: Scope, query: ClientQuery) -> list[sa.ColumnElement[bool]]:
    c = m.clients.c
    terms = scoped(scope)
    if query.workspace_id is not None:
        terms.append(c.workspace_id == query.workspace_id)
    if query.statuses:
        terms.append(c.status.in_(query.statuses))
    if query.category_id is not None:
        terms.append(c.category_id == query.category_id)
    if query.industry is not None:
        terms.append(sa.func.lower(c.industry) == query.industry.lower())
    if query.search:
        terms.append(
            sa.or_(
                *(
                    SEARCHABLE[f].icontains(query.search, autoescape=True)
                    for f in query.search_fields
                )
            )
        )
    return terms


def order_by(sort: tuple[Sort, ...]) -> list[sa.ColumnElement]:
    """The requested order plus ``id`` as a tie-break, so pages never overlap or skip rows."""
    terms = []
    for s in sort:
        col = SORTABLE[s.field]
        # NULLs sort as the largest value on both databases (PostgreSQL's default; SQLite's
        # is the opposite), so a page is the same whichever database is behind the gateway.
        if col.nullable:
            terms.append(col.desc().nulls_first() if s.descending else col.asc().nulls_last())
        else:
            terms.append(col.desc() if s.descending else col.asc())
    if not any(s.field == "id" for s in sort):
        last_desc = sort[-1].descending if sort else False
        terms.append(m.clients.c.id.desc() if last_desc else m.clients.c.id.asc())
    return terms
