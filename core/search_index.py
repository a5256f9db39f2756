"""SQLite's search entries, written after the write that made them, many to a transaction.

A create, an import's row or a rename lists the client in ``client_search_pending`` (triggers on
``clients``, migration 0015) instead of writing its FTS5 entry: a transaction that writes to
FTS5 flushes a segment of its own, most of a create's cost on SQLite. A search reads the index
for the clients not listed and matches the listed ones by ``LIKE`` (``core.search``), so it is
exact whichever state a client is in. ``SearchIndex.catch_up`` writes the listed clients'
entries, a batch to a transaction: the gateway's upkeep every tick, an import when it ends.
PostgreSQL has nothing pending: its trigram indexes are kept by the database.
"""

from __future__ import annotations

import sqlalchemy as sa

from .search import INDEXED
from .sql import Statements

#: Clients written to the index in one transaction: the writer lock is held for about 10 ms.
BATCH = 500

_LIST = ", ".join(INDEXED)
_FIRST = "SELECT row FROM client_search_pending ORDER BY row LIMIT :batch"
#: The batch's stale entries (a renamed client's) removed, then every entry written anew.
_STALE = ("DELETE FROM client_search WHERE rowid IN (SELECT row FROM client_search_pending "
          "WHERE row <= :last)")
_WRITE = (f"INSERT INTO client_search (rowid, {_LIST}) "
          f"SELECT r.id, {', '.join(f'cg_fold(c.{col})' for col in INDEXED)} "
          "FROM client_search_pending p CROSS JOIN client_search_rows r ON r.id = p.row "
          "CROSS JOIN clients c ON c.tenant_id = r.tenant_id AND c.id = r.client_id "
          "WHERE p.row <= :last")
_DONE = "DELETE FROM client_search_pending WHERE row <= :last"


class SearchIndex:
    """The pending search entries' upkeep."""

    def __init__(self, db: Statements) -> None:
        self._db = db

    @property
    def pends(self) -> bool:
        """Whether entries wait to be written (SQLite)."""
        return self._db.sqlite

    def pending(self) -> int:
        """How many clients' entries are yet to be written."""
        if not self.pends:
            return 0
        with self._db.read() as s:
            return int(s.scalar(("search.pending",), lambda: sa.text(
                "SELECT count(*) FROM client_search_pending"), {}))

    def catch_up(self, batch: int = BATCH) -> int:
        """Write the entries of up to ``batch`` pending clients, the first listed first, in one
        transaction; returns how many. A client renamed or deleted meanwhile is written as it
        is now, or not at all: the batch reads the clients inside the transaction."""
        if not self.pends:
            return 0
        with self._db.write() as s:
            last = s.scalar(("search.last",), lambda: sa.text(
                f"SELECT max(row) FROM ({_FIRST})"), {"batch": batch})
            if last is None:
                return 0
            s.execute(("search.stale",), lambda: sa.text(_STALE), {"last": last})
            s.execute(("search.write",), lambda: sa.text(_WRITE), {"last": last})
            return s.execute(("search.done",), lambda: sa.text(_DONE), {"last": last})

    def catch_up_all(self, batch: int = BATCH) -> int:
        """Write every pending entry, a batch to a transaction; returns how many."""
        written = 0
        while done := self.catch_up(batch):
            written += done
        return written
