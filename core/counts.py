"""Totals from the kept counts: how many clients a list matches, without counting them.

``client_counts`` holds how many clients each (tenant, workspace, category, status) has, kept by
triggers on ``clients`` in the transaction of every change (migration 0009). On PostgreSQL the
triggers append each change to ``client_count_changes`` instead (migration 0013), and
``Counts.fold`` adds them into ``client_counts`` later: a group's row updated by every create
would be locked until each create commits, and creates in a group would queue behind each
other. A total is the sum over both tables in one statement, so it is exact whether or not the
changes have been folded. A list whose filters are only those columns, the scope's workspace
included, has for its total the sum of the matching groups: a few rows read, whatever the
tenant's size. Any other filter (a search, an industry) is counted from the clients themselves
(``Clients.list``).
"""

from __future__ import annotations

import sqlalchemy as sa

from . import models as m
from .queries import ClientQuery, group_terms, searched
from .session import Session
from .sql import Statements

bp = sa.bindparam
KEY = "tenant_id, workspace_id, category_id, status"
#: Every change not yet folded, added into its group (a group of a tenant that is gone is
#: dropped with its changes), in key order: two folds lock groups in the same order. Returns
#: each group it changed with its new count.
_FOLD = f"""WITH moved AS (DELETE FROM client_count_changes RETURNING {KEY}, clients)
INSERT INTO client_counts ({KEY}, clients)
SELECT {KEY}, sum(clients) FROM moved WHERE tenant_id IN (SELECT id FROM tenants)
GROUP BY {KEY} ORDER BY {KEY}
ON CONFLICT ({KEY}) DO UPDATE SET clients = client_counts.clients + excluded.clients
RETURNING {KEY}, clients"""


class Counts:
    """The kept counts' upkeep."""

    def __init__(self, db: Statements) -> None:
        self._db = db

    @property
    def folds(self) -> bool:
        """Whether changes are kept apart until folded (PostgreSQL); SQLite's triggers keep
        ``client_counts`` directly."""
        return not self._db.sqlite

    def fold(self) -> int:
        """Add every change appended so far into ``client_counts``, in one transaction, and
        drop the groups that emptied (as 0009's triggers did); returns how many groups changed.
        Safe beside writes and other folds: a change committed later waits for the next fold,
        and a change two folds see is folded by the first (the second's delete skips it)."""
        if not self.folds:
            return 0
        with self._db.write() as s:
            groups = s.tuples(("counts.fold",), lambda: sa.text(_FOLD), {})
            emptied = [{"tenant_id": t, "workspace_id": w, "category_id": c, "status": st}
                       for t, w, c, st, clients in groups if clients == 0]
            if emptied:
                k = m.client_counts.c
                s.executemany(("counts.emptied",), lambda: m.client_counts.delete().where(
                    *(k[name] == bp(name) for name in emptied[0]), k.clients == 0), emptied)
        return len(groups)

    def sweep(self) -> None:
        """Clear away the changes folds deleted (after a fold that changed groups: the
        gateway's upkeep). Until then every total still visits them: a bitmap scan of the
        changes' index marks no entry dead, so 5,000 changes deleted made a Talynce page with
        its total 1.19 ms instead of 0.70, growing with the creates between two autovacuums (a
        minute apart). A table of a few pages is vacuumed in a millisecond; ``SKIP_LOCKED``:
        another gateway's vacuum under way is enough."""
        if not self.folds:
            return
        with self._db.read() as s:
            s.raw.execute("VACUUM (SKIP_LOCKED) client_count_changes", prepare=False)


def answers(query: ClientQuery) -> bool:
    """Whether the kept counts give ``query``'s total."""
    return query.industry is None and searched(query) is None


def _groups(table: sa.Table, query: ClientQuery, limited: bool) -> sa.Select:
    k = table.c
    terms = [k.tenant_id == bp("tenant_id"), *group_terms(query, k)]
    if limited:
        terms.append(k.workspace_id == bp("scope_workspace_id"))
    return sa.select(k.clients).where(*terms)


def statement(query: ClientQuery, limited: bool) -> sa.Select:
    """The sum of the kept counts ``query`` matches (``answers(query)`` must hold), folded or
    not, bound by the list's values (``scoped(scope, **window(query))``)."""
    both = sa.union_all(_groups(m.client_counts, query, limited),
                        _groups(m.client_count_changes, query, limited)).subquery("kept")
    return sa.select(sa.func.coalesce(sa.func.sum(both.c.clients), 0))


def column(query: ClientQuery, limited: bool) -> sa.ColumnElement:
    """``statement`` as a column of the page's own statement: the page and its total then
    come from one statement, so they agree without a transaction around two."""
    return statement(query, limited).scalar_subquery()


def total(s: Session, query: ClientQuery, limited: bool, form: tuple,
          values: dict) -> int:
    """``query``'s total from the kept counts, in a statement of its own."""
    return int(s.scalar(("kept count", form, limited), lambda: statement(query, limited),
                        values))
