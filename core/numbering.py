"""Per-tenant ids: the next id of a tenant's clients, workspaces, categories or users.

Each tenant keeps one counter per numbered table (``tenants.next_<kind>_id``). Taking an id moves
the counter on in the same transaction as the insert that uses it, so an id is never given twice
in a tenant, not even after its row is deleted, and no tenant's ids move when another tenant
writes. An import that keeps a vendor's id moves the counter past it (``keep``), so a record made
afterwards never takes an id an imported record holds.

A counter's row stays locked until the transaction that moved it ends. For a create that would
queue every create in the tenant behind the one before, for the length of a create (about 5 ms
under load on PostgreSQL: 190 creates a second at most). So a create takes its id ``alone``: on
PostgreSQL a write session's transaction begins at its first write (``core.session``), and an id
taken before it is taken by a statement that commits by itself, the row locked for that one
statement. An id whose create then fails is not given again, a gap as a sequence leaves.

That statement's commit does not wait for its WAL to reach the disk (``synchronous_commit`` off
for it alone, as ``SET LOCAL`` would): the row lock is held through the commit, so waiting for
the flush there capped the tenant at about 2,400 ids a second here, every create queued behind
it (``docs/decisions.md``). Nothing is lost by it: the take's commit record precedes, in the
WAL, the commit of any row holding the id, and that commit does wait, for everything before it.
A crash before then loses the take with the rows that used it; a taken id is durable whenever a
row that holds it is.

An id taken after the transaction began is part of it, as every id is on SQLite, where writes
are serialised anyway. Imports take theirs in their transaction (a failed import moves no
counter), a batch's in one statement.
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa

from . import models as m
from .session import Session

Kind = Literal["client", "workspace", "category", "user"]
KINDS: tuple[Kind, ...] = ("client", "workspace", "category", "user")
t = m.tenants.c
bp = sa.bindparam


#: Evaluated in a statement that commits by itself (PostgreSQL only): its commit does not wait
#: for the WAL flush. Local to that statement's transaction, so nothing after it is touched.
_NO_FLUSH_WAIT = sa.literal_column("set_config('synchronous_commit', 'off', true)")


def _counter(kind: Kind) -> sa.Column:
    return t[f"next_{kind}_id"]


def take(s: Session, tenant_id: int, kind: Kind, count: int = 1, *, alone: bool = False) -> int:
    """Reserve ``count`` consecutive new ids of ``kind`` in the tenant; returns the first.
    ``alone``: committed at once if the session has not written yet (``Session.scalar``)."""
    counter = _counter(kind)
    by_itself = alone and s.deferred
    after = s.scalar(
        ("numbering.take", kind, by_itself),
        lambda: m.tenants.update().where(t.id == bp("tenant_id"))
        .values({counter: counter + bp("count")})
        .returning(counter, *([_NO_FLUSH_WAIT] if by_itself else [])),
        {"tenant_id": tenant_id, "count": count}, alone=alone,
    )
    if after is None:
        raise LookupError(f"no tenant {tenant_id}")
    return after - count


def peek(s: Session, tenant_id: int, kind: Kind) -> int:
    """The id ``take`` would give next, taking nothing (what a dry run reports)."""
    counter = _counter(kind)
    return s.scalar(("numbering.peek", kind),
                    lambda: sa.select(counter).where(t.id == bp("tenant_id")),
                    {"tenant_id": tenant_id})


def keep(s: Session, tenant_id: int, kind: Kind, highest: int) -> None:
    """Record that ids up to ``highest`` are taken (an import kept them): the counter moves past
    it, never back."""
    counter = _counter(kind)
    s.execute(
        ("numbering.keep", kind),
        lambda: m.tenants.update()
        .where(t.id == bp("tenant_id"), counter < bp("next", type_=counter.type))
        .values({counter: bp("next", type_=counter.type)}),
        {"tenant_id": tenant_id, "next": highest + 1},
    )
