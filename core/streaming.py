"""Every client a query matches, read a batch at a time: for lists with no page (GitScrum's)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from . import models as m
from .client_rows import attach
from .projection import Projection
from .queries import ClientQuery, conditions, shape, window
from .scope import Scope, scope_terms, scoped
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

    def next(self) -> list[dict] | None:
        if self._done:
            return None
        query, projection, limited = self._query, self._projection, self._scope.limited
        with self._db.read() as s:
            if not self._checked:
                self._workspaces.check(s, self._scope, query.workspace_id)
            rows = s.rows(
                self._key,
                lambda: projection.select.where(
                    *scope_terms(limited), *conditions(query), c.id > sa.bindparam("after")
                ).order_by(c.id).limit(sa.bindparam("batch")),
                self._values,
            )
            attach(s, self._scope.tenant_id, rows, projection)
        self._checked = True
        if len(rows) < self._batch:
            self._done = True
        else:
            self._values["after"] = rows[-1]["id"]
        return rows or None

    def __iter__(self) -> Iterator[list[dict]]:
        while (rows := self.next()) is not None:
            yield rows
