"""The store: one engine, the compiled statements that run on it, and the services built on them.

Each service is given what it needs in its constructor; this is the one place they are wired.
Dialects hold a store and call its services, never SQL.
"""

from __future__ import annotations

import sqlalchemy as sa

from .accounts import Accounts
from .categories import Categories
from .clients import Clients
from .counts import Counts
from .custom_fields import CustomFields
from .db import create_engine
from .exports import Exports
from .idempotency import Idempotency
from .imports import Imports
from .keys import Keys
from .models import metadata
from .oauth import OAuth
from .outbox import Outbox
from .people import Users
from .search_index import SearchIndex
from .sql import Statements
from .tenants import Tenants
from .workspaces import Workspaces


class Store:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        #: Every read and write: compiled statements on raw connections (``core.sql``).
        self.db = db = Statements(engine)
        self.workspaces = Workspaces(db)
        self.categories = Categories(db)
        self.tenants = Tenants(db, self.workspaces, self.categories)
        self.keys = Keys(db)
        #: People who sign in, and the OAuth2 clients they approve.
        self.accounts = Accounts(db)
        self.oauth = OAuth(db)
        self.custom_fields = CustomFields(db)
        self.users = Users(db)
        self.outbox = Outbox(db)
        self.idempotency = Idempotency(db)
        #: The bulk write path of imports, keeping the ids records come with.
        self.imports = Imports(db)
        #: A whole tenant read out, for ``clientgate export``.
        self.exports = Exports(db, self.workspaces)
        self.clients = Clients(db, workspaces=self.workspaces, categories=self.categories,
                               outbox=self.outbox)
        #: The kept counts' upkeep (``Counts.fold``, which the gateway runs every second).
        self.counts = Counts(db)
        #: SQLite's search entries written after their writes (``SearchIndex.catch_up``, which
        #: the gateway runs every second, and an import when it ends).
        self.search_index = SearchIndex(db)

        #: One small read per table, of every column this code reads (``probe``).
        self._probes = [
            str(sa.select(*table.c).limit(1).compile(
                dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
            for table in metadata.sorted_tables]

    def probe(self) -> None:
        """Read every table through the path requests take (the same connections): raises when
        the database cannot answer, or when a table lacks a column this code reads."""
        with self.db.read() as session:
            for sql in self._probes:
                session.raw.execute(sql).fetchall()

    @classmethod
    def from_url(cls, url: str, **engine_options: object) -> Store:
        return cls(create_engine(url, **engine_options))  # type: ignore[arg-type]

    def dispose(self) -> None:
        self.db.close()
        self.engine.dispose()
