"""Which driver errors mean "the database cannot serve now" (each dialect's 503), and which are
a statement it refused (a bug, a 500)."""

from __future__ import annotations

import psycopg
import pytest

from core.db import is_unavailable


def _raised_while_handling(first: Exception, second: Exception) -> Exception:
    try:
        try:
            raise first
        except type(first):
            raise second  # noqa: B904 (implicitly chained, as the driver's own is)
    except type(second) as exc:
        return exc


def test_an_error_raised_while_a_connection_failure_was_handled_is_that_failure():
    # What SQLAlchemy's pre-ping meets when PostgreSQL resets the connection under it: the
    # ping fails on the closed socket, and psycopg then refuses to restore autocommit.
    exc = _raised_while_handling(
        psycopg.OperationalError("connection socket closed"),
        psycopg.ProgrammingError("can't change 'autocommit' now: connection in transaction "
                                 "status ACTIVE"))
    assert exc.__context__ is not None
    assert is_unavailable(exc)


@pytest.mark.parametrize("exc", [psycopg.ProgrammingError("syntax error at or near"),
                                 psycopg.errors.UniqueViolation("duplicate key"),
                                 ValueError("not a database error")])
def test_a_refused_statement_is_not_an_outage(exc):
    assert not is_unavailable(exc)


def test_a_failed_statement_keeps_the_pool_and_a_broken_connection_empties_it(database_url,
                                                                              backend):
    """A statement the server refused leaves every pooled connection alone; a connection found
    broken (here its backend is killed) means every pooled one is as old: the pool is emptied,
    and the next read opens a new connection and is served."""
    if backend != "postgresql":
        pytest.skip("the pool is PostgreSQL's (SQLite keeps one connection per thread)")
    from core.errors import Unavailable
    from core.store import Store

    store = Store.from_url(database_url, pool_size=2)
    try:
        pool = store.engine.pool
        with pytest.raises(psycopg.errors.DivisionByZero):
            with store.db.read() as s:
                s.raw.execute("SELECT 1/0")
        with pytest.raises((Unavailable, psycopg.errors.QueryCanceled)):  # a statement timeout
            with store.db.snapshot() as s:
                s.raw.execute("SET LOCAL statement_timeout = 50")
                s.raw.execute("SELECT pg_sleep(2)")
        assert store.engine.pool is pool
        with pytest.raises((Unavailable, psycopg.OperationalError)):
            with store.db.read() as s:
                s.raw.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        assert store.engine.pool is not pool
        with store.db.read() as s:
            assert s.raw.execute("SELECT 1").fetchone() == (1,)
    finally:
        store.dispose()
