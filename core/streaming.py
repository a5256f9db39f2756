"""Every client a query matches, read a batch at a time: for lists with no page (GitScrum's)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from . import documents
from . import models as m
from .client_rows import attach
from .documents import Document
from .projection import Projection
from .queries import ClientQuery, conditions, shape, window
from .scope import Scope, scope_terms, scoped
from .session import Session
from .sql import Statements
from .workspaces import Workspaces

c = m.clients.c

#: How many of a stream's batches are read at once (``claim`` and ``take``), by backend.
#: PostgreSQL writes each batch's JSON in a server process of its own, so reads on several
#: connections share its cores: at a million clients on two cores, 277,000 rows a second one
#: batch at a time, 451,000 three at a time, 455,000 four. SQLite runs in the gateway's own
#: process, where a second reader only contends with the first: 616,000 rows a second one at a
#: time, 423,000 two (``docs/decisions.md``).
AT_ONCE = {"sqlite": 1, "postgresql": 3}
#: The share of the pool the reads beyond each stream's first may hold between them, all
#: streams together: a quarter (5 of the default 20), so that whole-workspace lists running at
#: once cannot take the connections GETs need; past it, a stream reads one batch at a time.
SPARE_SHARE = 4


class Spare:
    """Connections for the reads beyond each stream's first, shared by a store's streams: taken
    before such a read is claimed (none left: it is not), given back when it is done."""

    def __init__(self, db: Statements) -> None:
        # SQLite reads one batch at a time (``AT_ONCE``), on connections of its threads.
        self._left = 0 if db.sqlite else db.engine.pool.size() // SPARE_SHARE
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self._left <= 0:
                return False
            self._left -= 1
            return True

    def give(self) -> None:
        with self._lock:
            self._left += 1


@dataclass(frozen=True, slots=True)
class Span:
    """The matches with ids in ``(after, upto]``: a batch claimed to be read later."""

    after: int
    upto: int


class Batches:
    """The matches in id order, ``batch`` rows at a time. ``next()`` reads the next batch (``None``
    when there is none), each in a short read of its own: keyset paging (``id > last``) keeps
    memory flat and never holds a transaction open while the caller sends the previous batch to
    a slow client. A read that fails or is undone changes nothing, so ``next()`` may be tried
    again (``Statements.within`` relies on it).

    Batches can also be read several at once (``at_once``), each on a connection of its own:
    ``claim()`` finds where the next batch ends (from an index alone) and hands its span out,
    and ``take(span)`` reads it, in any thread, in any order. Once ``claim()`` finds fewer than
    a batch left, it says ``None`` and ``next()`` reads the rest."""

    def __init__(self, db: Statements, workspaces: Workspaces, scope: Scope, query: ClientQuery,
                 projection: Projection, batch: int, spare: Spare | None = None) -> None:
        self._db = db
        self._workspaces = workspaces
        self._scope = scope
        self._query = query
        self._projection = projection
        self._batch = batch
        self._key = ("stream", projection, shape(query), scope.limited)
        self._values: dict[str, Any] = scoped(scope, **window(query), batch=batch, after=0)
        self._checked = query.workspace_id is None
        self._done = False
        #: How many matches the last ``next()`` read.
        self.read = 0
        #: How many batches are worth reading at once on this backend (``AT_ONCE``): the first,
        #: and more while the store's ``spare`` connections allow (``more``).
        self.at_once = AT_ONCE["sqlite" if db.sqlite else "postgresql"]
        self._spare = spare

    def next(self) -> list[Any] | None:
        if self._done:
            return None
        with self._db.read() as s:
            if not self._checked:
                self._workspaces.check(s, self._scope, self._query.workspace_id)
            items, read, last = self._read(s, self._values, bounded=False)
        self._checked = True
        self.read = read
        if read < self._batch:
            self._done = True
        else:
            self._values["after"] = last
        return items or None

    def more(self) -> bool:
        """Whether another read may start beside the ones under way: a spare connection, taken
        (``less()`` gives it back when that read is done)."""
        return self._spare is not None and self._spare.take()

    def less(self) -> None:
        """A read that ``more()`` allowed is done."""
        if self._spare is not None:
            self._spare.give()

    def claim(self) -> Span | None:
        """The span of the next batch, which ``take`` reads; ``None`` once fewer than a batch
        of matches are left after the last span (``next()`` reads those). The span's end is the
        ``batch``-th match's id, read from an index: a walk of ``batch`` entries, no row."""
        if self._done:
            return None
        with self._db.read() as s:
            upto = s.scalar(("claim", shape(self._query), self._scope.limited), self._bound,
                            {**self._values, "skip": self._batch - 1})
        if upto is None:
            return None
        span = Span(self._values["after"], upto)
        self._values["after"] = upto
        return span

    def take(self, span: Span) -> list[Any]:
        """The matches of ``span`` (a ``claim``'s), in id order: all of them, however many a
        write added to it since it was claimed."""
        with self._db.read() as s:
            items, _, _ = self._read(s, {**self._values, "after": span.after, "upto": span.upto},
                                     bounded=True)
        return items

    @property
    def done(self) -> bool:
        """Whether every match has been read (a batch came back short)."""
        return self._done

    def _where(self, select: sa.Select, bounded: bool) -> sa.Select:
        """``select`` narrowed to the matches after ``:after`` (up to ``:upto`` if
        ``bounded``)."""
        select = select.where(*scope_terms(self._scope.limited), *conditions(self._query),
                              c.id > sa.bindparam("after"))
        return select.where(c.id <= sa.bindparam("upto")) if bounded else select

    def _ordered(self, select: sa.Select, bounded: bool) -> sa.Select:
        """``select``'s batch in id order: a span whole, the next batch ``:batch`` rows."""
        select = self._where(select, bounded).order_by(c.id)
        return select if bounded else select.limit(sa.bindparam("batch"))

    def _bound(self) -> sa.Select:
        return (self._where(sa.select(c.id), bounded=False).order_by(c.id)
                .offset(sa.bindparam("skip")).limit(1))

    def _read(self, s: Session, values: dict[str, Any],
              bounded: bool) -> tuple[list[Any], int, int | None]:
        """The batch ``values`` and ``bounded`` say, how many matches it read, and the last
        one's id."""
        rows = self._rows(s, values, bounded)
        return rows, len(rows), rows[-1]["id"] if rows else None

    def _rows(self, s: Session, values: dict[str, Any], bounded: bool) -> list[dict]:
        """The batch's rows, of ``projection``."""
        projection = self._projection
        rows = s.rows((*self._key, bounded),
                      lambda: self._ordered(projection.select, bounded), values)
        attach(s, self._scope.tenant_id, rows, projection)
        return rows

    def __iter__(self) -> Iterator[list[dict]]:
        while (rows := self.next()) is not None:
            yield rows


class Documents(Batches):
    """As ``Batches``, with the matches as JSON text (``document``'s), written and joined by the
    database: a batch is one string, ``","`` between its documents. A batch holding a row the
    document is not exact for is read again row by row, and that row comes as its row of the
    document's projection (a dict), for the caller to render."""

    def __init__(self, db: Statements, workspaces: Workspaces, scope: Scope, query: ClientQuery,
                 document: Document, batch: int, spare: Spare | None = None) -> None:
        super().__init__(db, workspaces, scope, query, document.projection, batch, spare)
        self._document = document
        self._documents_key = ("documents", document, shape(query), scope.limited)

    def _read(self, s: Session, values: dict[str, Any],
              bounded: bool) -> tuple[list[Any], int, int | None]:
        key = (*self._documents_key, bounded)

        def matches() -> sa.Select:
            return self._ordered(self._document.select, bounded)

        text, last, read, written = s.tuples(
            ("joined", *key), lambda: documents.batch(matches()), values)[0]
        if read == written:
            return ([text] if read else []), read, last
        found = s.tuples(key, matches, values)
        # The same matches, as rows: the ids after "after", up to this batch's last.
        missing = {row_id for row_id, text in found if text is None}
        rows = {row["id"]: row for row in self._rows(s, values, bounded) if row["id"] in missing}
        # A row gone since the first read (deleted) is left out, as a later batch would.
        items = [text if text is not None else rows.get(row_id) for row_id, text in found]
        return [item for item in items if item is not None], len(found), found[-1][0]
