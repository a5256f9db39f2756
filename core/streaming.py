"""Every client a query matches, read a batch at a time: for lists with no page (GitScrum's)."""

from __future__ import annotations

from collections.abc import Iterator
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


class Batches:
    """The matches in id order, ``batch`` rows at a time. ``next()`` reads the next batch (``None``
    when there is none), each in a short read of its own: keyset paging (``id > last``) keeps
    memory flat and never holds a transaction open while the caller sends the previous batch to
    a slow client. A read that fails or is undone changes nothing, so ``next()`` may be tried
    again (``Statements.within`` relies on it)."""

    def __init__(self, db: Statements, workspaces: Workspaces, scope: Scope, query: ClientQuery,
                 projection: Projection, batch: int) -> None:
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

    def next(self) -> list[Any] | None:
        if self._done:
            return None
        with self._db.read() as s:
            if not self._checked:
                self._workspaces.check(s, self._scope, self._query.workspace_id)
            items, read, last = self._read(s)
        self._checked = True
        self.read = read
        if read < self._batch:
            self._done = True
        else:
            self._values["after"] = last
        return items or None

    @property
    def done(self) -> bool:
        """Whether every match has been read (a batch came back short)."""
        return self._done

    def _where(self, select: sa.Select) -> sa.Select:
        """``select`` narrowed to the matches after ``:after``, in id order."""
        return select.where(*scope_terms(self._scope.limited), *conditions(self._query),
                            c.id > sa.bindparam("after"))

    def _read(self, s: Session) -> tuple[list[Any], int, int | None]:
        """The next batch, how many matches it read, and the last one's id."""
        rows = self._rows(s)
        return rows, len(rows), rows[-1]["id"] if rows else None

    def _rows(self, s: Session) -> list[dict]:
        """The next batch's rows, of ``projection``."""
        projection = self._projection
        rows = s.rows(
            self._key,
            lambda: self._where(projection.select).order_by(c.id).limit(sa.bindparam("batch")),
            self._values,
        )
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
                 document: Document, batch: int) -> None:
        super().__init__(db, workspaces, scope, query, document.projection, batch)
        self._document = document
        self._documents_key = ("documents", document, shape(query), scope.limited)

    def _matches(self) -> sa.Select:
        return self._where(self._document.select).order_by(c.id).limit(sa.bindparam("batch"))

    def _read(self, s: Session) -> tuple[list[Any], int, int | None]:
        text, last, read, written = s.tuples(
            ("joined", *self._documents_key), lambda: documents.batch(self._matches()),
            self._values)[0]
        if read == written:
            return ([text] if read else []), read, last
        found = s.tuples(self._documents_key, self._matches, self._values)
        # The same matches, as rows: the ids after "after", up to this batch's last.
        missing = {row_id for row_id, text in found if text is None}
        rows = {row["id"]: row for row in self._rows(s) if row["id"] in missing}
        # A row gone since the first read (deleted) is left out, as a later batch would.
        items = [text if text is not None else rows.get(row_id) for row_id, text in found]
        return [item for item in items if item is not None], len(found), found[-1][0]
