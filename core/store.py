"""The store: one engine and the services built on it. Dialects hold one and call its services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from .clients import Clients
from .db import create_engine
from .keys import Keys
from .outbox import Outbox
from .people import CustomFields, Users
from .sql import Statements
from .tenants import Categories, Tenants, Workspaces


class Store:
    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        #: The hot path: compiled statements on raw connections (``core.sql``).
        self.sql = Statements(engine)
        self.clients = Clients(self)
        self.keys = Keys(self)
        self.tenants = Tenants(self)
        self.workspaces = Workspaces(self)
        self.categories = Categories(self)
        self.users = Users(self)
        self.custom_fields = CustomFields(self)
        self.outbox = Outbox(self)

    @classmethod
    def from_url(cls, url: str, **engine_options: object) -> Store:
        return cls(create_engine(url, **engine_options))  # type: ignore[arg-type]

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A connection in a read transaction, rolled back (never committed) on exit."""
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """A connection in a write transaction, committed on success, rolled back on error.

        On SQLite the transaction starts with ``BEGIN IMMEDIATE`` (see ``core.db``), so concurrent
        writers queue on the busy timeout instead of failing with "database is locked".
        """
        with self.engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop("write", None)

    def dispose(self) -> None:
        self.sql.close()
        self.engine.dispose()
