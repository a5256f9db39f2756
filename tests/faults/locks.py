"""Another connection holding the database's write lock, as a long transaction elsewhere would."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from core.db import normalize_url


@contextmanager
def write_lock(database_url: str) -> Iterator[None]:
    """Until the block ends, no one else can write clients: SQLite's ``BEGIN IMMEDIATE`` on the
    file, or PostgreSQL's ``EXCLUSIVE`` lock on the clients table (reads go on, writes wait)."""
    url = normalize_url(database_url)
    if url.get_backend_name() == "sqlite":
        conn = sqlite3.connect(url.database, isolation_level=None, timeout=10)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn, conn.begin():
            conn.exec_driver_sql("LOCK TABLE clients IN EXCLUSIVE MODE")
            yield
    finally:
        engine.dispose()
