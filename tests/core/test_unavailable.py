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
