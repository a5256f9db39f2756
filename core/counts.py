"""Totals from the kept counts: how many clients a list matches, without counting them.

``client_counts`` holds how many clients each (tenant, workspace, category, status) has, kept by
triggers on ``clients`` in the transaction of every change (migration 0009). A list whose
filters are only those columns, the scope's workspace included, has for its total the sum of
the matching groups: a few rows read, whatever the tenant's size. Any other filter (a search,
an industry) is counted from the clients themselves (``Clients.list``).
"""

from __future__ import annotations

import sqlalchemy as sa

from . import models as m
from .queries import ClientQuery, group_terms, searched
from .session import Session

k = m.client_counts.c
bp = sa.bindparam


def answers(query: ClientQuery) -> bool:
    """Whether the kept counts give ``query``'s total."""
    return query.industry is None and searched(query) is None


def statement(query: ClientQuery, limited: bool) -> sa.Select:
    """The sum of the kept counts ``query`` matches (``answers(query)`` must hold), bound by
    the list's values (``scoped(scope, **window(query))``)."""
    terms = [k.tenant_id == bp("tenant_id"), *group_terms(query, k)]
    if limited:
        terms.append(k.workspace_id == bp("scope_workspace_id"))
    return sa.select(sa.func.coalesce(sa.func.sum(k.clients), 0)).where(*terms)


def column(query: ClientQuery, limited: bool) -> sa.ColumnElement:
    """``statement`` as a column of the page's own statement: the page and its total then
    come from one statement, so they agree without a transaction around two."""
    return statement(query, limited).scalar_subquery()


def total(s: Session, query: ClientQuery, limited: bool, form: tuple,
          values: dict) -> int:
    """``query``'s total from the kept counts, in a statement of its own."""
    return int(s.scalar(("kept count", form, limited), lambda: statement(query, limited),
                        values))
