"""Substring search: which clients hold a term in one of some columns, case folded.

The definition is one: ``fold(term)`` is a substring of ``fold(value)`` (``core.text.fold``), as
``folded(column) LIKE '%term%'`` states it on both databases. What finds the rows differs:

- PostgreSQL: that ``LIKE``, which the planner answers from each column's GIN index of
  ``lower()`` trigrams (migration 0008).
- SQLite: an FTS5 table of the same columns already folded (``client_search``, migration 0010),
  tokenized into trigrams with no folding of its own (``case_sensitive 1``). A phrase of
  trigrams is found exactly where its text is a substring, so for a term of three characters or
  more the index answers the definition itself, with no second check; a shorter term has no
  trigram and is matched by ``LIKE`` over the tenant. A client created or renamed lately is
  listed in ``client_search_pending`` until its entry is written (``core.search_index``, many
  to a transaction), and is matched by ``LIKE`` meanwhile: the index answers for the others.
  ``client_search_rows`` gives each client an FTS rowid of its own (``INTEGER PRIMARY KEY``,
  which ``VACUUM`` keeps; a table's implicit rowid it may renumber).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement

from . import models as m
from .text import fold, folded

#: The columns ``client_search`` holds (in this order): every searched one but ``notes``.
INDEXED = ("name", "email", "phone", "contact_person")
#: Tables of SQLite's search index (FTS5 keeps shadow tables under the same prefix); they are
#: the triggers' and this module's, not the models'.
SQLITE_TABLES_PREFIX = "client_search"
#: SQLite's hint for the statement that picks a search's page: its matches are looked up in
#: ``clients`` by id. Without it the planner may read a whole tenant's index of the sort key
#: (it holds the key and the id) and probe each entry against the matches.
BY_ID = "INDEXED BY ix_clients_tenant_id"
#: Trigrams: a shorter term is in no index.
SHORTEST_INDEXED = 3

def indexed(term: str, fields: tuple[str, ...]) -> bool:
    """Whether SQLite's index answers a search of ``fields`` for ``term``."""
    return len(fold(term)) >= SHORTEST_INDEXED and set(fields) <= set(INDEXED)


def match_query(term: str, fields: tuple[str, ...]) -> str:
    """The FTS5 query for ``term`` in ``fields``: one quoted phrase (a ``"`` doubled), limited
    to those columns."""
    phrase = fold(term).replace('"', '""')
    return f'{{{" ".join(fields)}}} : "{phrase}"'


class _Substring(ColumnElement[bool]):
    """``like`` (the definition) everywhere; on SQLite ``fts`` instead, when given."""

    # Not ``Boolean``: a WHERE clause would compare a non-native boolean with 1, and
    # ``(id IN (...)) = 1`` is a condition no index answers.
    type = sa.types.NullType()
    inherit_cache = True

    def __init__(self, like: ColumnElement[bool], fts: ColumnElement[bool] | None) -> None:
        self.like = like
        self.fts = fts


@compiles(_Substring)
def _as_like(element: _Substring, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.like, **kw)


@compiles(_Substring, "sqlite")
def _through_fts(element: _Substring, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.fts if element.fts is not None else element.like, **kw)


def contains(columns: dict[str, sa.Column], fields: tuple[str, ...],
             use_index: bool) -> ColumnElement[bool]:
    """Clients holding the term in one of ``fields``; bound by ``pattern`` (the ``LIKE``
    pattern), ``match`` (``match_query``) and the scope's ``tenant_id``. ``use_index``:
    ``indexed(term, fields)``."""
    pattern = sa.bindparam("pattern", type_=sa.String())
    like = sa.or_(*(folded(columns[f]).like(pattern, escape="/") for f in fields))
    fts = None
    if use_index:
        # CROSS JOIN fixes SQLite's join order: the index's matches first, each then numbered
        # back to its client (the planner otherwise walks the tenant's rows into the index).
        # The clients listed as pending (``core.search_index``) have no entry yet, or a stale
        # one: the index answers for the others, and the listed ones are matched as written.
        listed = " OR ".join(f"cg_fold(listed.{f}) LIKE :pattern ESCAPE '/'" for f in fields)
        found = sa.text(
            "SELECT r.client_id FROM client_search CROSS JOIN client_search_rows AS r "
            "ON r.id = client_search.rowid "
            "WHERE client_search MATCH :match AND r.tenant_id = :tenant_id "
            "AND r.id NOT IN (SELECT row FROM client_search_pending) "
            "UNION ALL "
            "SELECT r.client_id FROM client_search_pending AS p "
            "CROSS JOIN client_search_rows AS r ON r.id = p.row "
            "CROSS JOIN clients AS listed "
            "ON listed.tenant_id = r.tenant_id AND listed.id = r.client_id "
            f"WHERE r.tenant_id = :tenant_id AND ({listed})"
        ).bindparams(sa.bindparam("match", type_=sa.String()), sa.bindparam("tenant_id"),
                     pattern).columns(client_id=sa.Integer())
        fts = m.clients.c.id.in_(found)
    return _Substring(sa.Grouping(like), fts)


class _Unindexed(ColumnElement[Any]):
    """A column as a sort key no index gives (``+column`` on SQLite, the column elsewhere)."""

    inherit_cache = True

    def __init__(self, column: sa.ColumnElement) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _plain(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(_Unindexed, "sqlite")
def _plus(element: _Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + compiler.process(element.column, **kw)


def sort_keys(columns: Mapping[str, sa.ColumnElement]) -> dict[str, sa.ColumnElement]:
    """``columns`` as sort keys for a page of an indexed search: on SQLite no index on
    ``clients`` can give their order, so the planner reads the search's matches (few, as a
    rule) and sorts them, rather than walking the whole tenant in order to find them. The
    order itself is the same (``+`` changes no value, type or collation)."""
    return {name: _Unindexed(col) for name, col in columns.items()}
