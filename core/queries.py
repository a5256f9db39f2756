"""Listing clients: filters, case-insensitive search, whitelisted sorting and paging.

Dialects translate their vendor's query parameters into a ``ClientQuery``; no vendor parameter
name reaches this module, and nothing here reaches a dialect but plain values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import models as m
from . import search
from .errors import Invalid
from .models import TEXT_MAX
from .text import fold, folded
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
            problem = clean_string(value, TEXT_MAX) if value is not None else None
            if problem:
                raise Invalid.one(name, problem)


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict]
    total: int | None = None
    offset: int = 0
    limit: int | None = None


def searched(query: ClientQuery) -> tuple[str, ...] | None:
    """The fields a search looks in: those whose values can be as long as the term (a longer
    term is no substring of any of theirs, and is never sent to the database, whose pattern
    limits it might break); ``None`` without a search."""
    if not query.search:
        return None
    size = len(query.search)
    return tuple(f for f in query.search_fields
                 if size <= (SEARCHABLE[f].type.length or TEXT_MAX))


def indexed_search(query: ClientQuery) -> bool:
    """Whether ``query`` searches, and SQLite's index answers the search (``core.search``)."""
    fields = searched(query)
    return bool(fields) and search.indexed(query.search, fields)


def shape(query: ClientQuery) -> tuple:
    """What makes two queries need different SQL (their values aside): the statement cache key."""
    return (
        query.workspace_id is not None,
        len(query.statuses),
        query.category_id is not None,
        query.industry is not None,
        searched(query),
        indexed_search(query),
        query.sort,
        query.limit is not None,
        query.offset > 0,
    )


def window(query: ClientQuery) -> dict[str, Any]:
    """The bind values for ``conditions`` and paging; the counterpart of ``shape``."""
    values: dict[str, Any] = {"limit": query.limit, "offset": query.offset}
    if query.workspace_id is not None:
        values["workspace_id"] = query.workspace_id
    for i, status in enumerate(query.statuses):
        values[f"status_{i}"] = status
    if query.category_id is not None:
        values["category_id"] = query.category_id
    if query.industry is not None:
        values["industry"] = fold(query.industry)
    if fields := searched(query):
        values["pattern"] = "%" + _escape_like(fold(query.search)) + "%"
        values["match"] = search.match_query(query.search, fields)
    return values


def _escape_like(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def group_terms(query: ClientQuery, c: Any) -> list[sa.ColumnElement[bool]]:
    """The terms for a query's workspace, status and category filters, on the columns ``c``
    (``clients``, or ``client_counts``, which keeps counts by the same columns)."""
    bp = sa.bindparam
    terms: list[sa.ColumnElement[bool]] = []
    if query.workspace_id is not None:
        terms.append(c.workspace_id == bp("workspace_id"))
    if query.statuses:
        terms.append(c.status.in_([bp(f"status_{i}") for i in range(len(query.statuses))]))
    if query.category_id is not None:
        terms.append(c.category_id == bp("category_id"))
    return terms


def conditions(query: ClientQuery) -> list[sa.ColumnElement[bool]]:
    """The WHERE terms for a query's filters, as named bind parameters (see ``window``)."""
    c = m.clients.c
    bp = sa.bindparam
    terms = group_terms(query, c)
    if query.industry is not None:
        terms.append(folded(c.industry) == bp("industry"))
    fields = searched(query)
    if fields == ():
        terms.append(sa.false())  # the term is longer than any value it could be found in
    elif fields:
        terms.append(search.contains(SEARCHABLE, fields, search.indexed(query.search, fields)))
    return terms
def order_by(sort: tuple[Sort, ...],
             columns: Mapping[str, sa.ColumnElement] = SORTABLE) -> list[sa.ColumnElement]:
    """The requested order plus ``id`` as a tie-break, so pages never overlap or skip rows;
    ``columns``: where each field is read (a subquery's columns of the same names)."""
    terms = []
    for s in sort:
        col = columns[s.field]
        nullable = SORTABLE[s.field].nullable
        # NULLs sort as the largest value on both databases (PostgreSQL's default; SQLite's
        # is the opposite), so a page is the same whichever database is behind the gateway.
        if nullable:
            terms.append(col.desc().nulls_first() if s.descending else col.asc().nulls_last())
        else:
            terms.append(col.desc() if s.descending else col.asc())
    if not any(s.field == "id" for s in sort):
        last_desc = sort[-1].descending if sort else False
        terms.append(columns["id"].desc() if last_desc else columns["id"].asc())
    return terms
