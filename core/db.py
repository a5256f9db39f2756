"""Engines for the two supported databases, each set up for a gateway's access pattern.

SQLite (the default, a single file) gets WAL so readers never wait for the writer, foreign keys,
a busy timeout so concurrent writers queue instead of failing, ``synchronous=NORMAL`` by default
(see ``SYNCHRONOUS`` for what it survives; ``full`` is a setting away), and a WAL that writers
copy into the file only past ``SQLITE_AUTOCHECKPOINT_PAGES``. PostgreSQL is reached through
psycopg 3 with sessions pinned to UTC. Its pool keeps every connection it opens (no overflow to
open and close under load), and a connection idle for longer than ``PING_AFTER_IDLE`` is pinged
before it is lent, so a server restarted while the gateway was quiet costs a reconnect, not a
failed request; under load no ping is sent (a ping before every checkout was a round trip of
four per read). A connection found broken by a statement empties the pool
(``core.sql.Statements``), so the others, opened before the restart, are not tried one by one.

JSON columns are read back with ``orjson.loads``, as the gateway parses request bodies: an integer
beyond 64 bits becomes a float (as in JavaScript). PostgreSQL's ``jsonb`` writes a float such as
``1e30`` back as its digits, which the standard library would read as an integer too large for
the gateway's JSON encoder.
"""

from __future__ import annotations

import sqlite3
import time
import weakref
from typing import Any

import orjson
import psycopg
import sqlalchemy as sa
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import URL, Engine, make_url

from .text import fold_or_none

DEFAULT_URL = "sqlite:///./clientgate.db"
#: What a failing database raises: the store runs statements on the drivers' own connections
#: (``core.sql``), so their errors arrive as the drivers raise them, SQLAlchemy's elsewhere.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    sqlite3.Error, psycopg.Error, sa.exc.SQLAlchemyError)
SQLITE_BUSY_TIMEOUT_MS = 5_000
#: WAL pages after which a committing writer copies the WAL into the database file itself
#: (SQLite's default is 1,000). The gateway copies it every second off the request path
#: (``Statements.checkpoint``, run by ``gateway.upkeep``), so a writer reaches this only when
#: nothing else does: a long import with no gateway, or more than 40 MB written in a second.
SQLITE_AUTOCHECKPOINT_PAGES = 10_000
#: SQLite's answers that mean "not now" rather than "this statement is wrong".
_SQLITE_UNAVAILABLE = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR,
                                 sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_FULL,
                                 sqlite3.SQLITE_PROTOCOL})


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot serve now (down, unreachable, restarting, out of
    time, locked past the wait), as opposed to a statement it refused."""
    if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None:
        return exc.connection_invalidated or is_unavailable(exc.orig)
    if isinstance(exc, (sa.exc.TimeoutError, sa.exc.DisconnectionError)):
        return True  # no pooled connection came free in time / the pool found it dead
    if isinstance(exc, sqlite3.OperationalError):
        code = getattr(exc, "sqlite_errorcode", None)
        return code is not None and (code & 0xFF) in _SQLITE_UNAVAILABLE
    if isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        return True  # connection failures, query_canceled (statement_timeout), admin shutdown
    # An error raised while a failure was being handled is that failure's: the pool's pre-ping
    # meets a closed socket, then psycopg refuses the cleanup ("can't change 'autocommit' now").
    cause = exc.__cause__ or exc.__context__
    return cause is not None and cause is not exc and is_unavailable(cause)


def normalize_url(url: str | URL) -> URL:
    """Accept ``postgres://`` and ``postgresql://`` URLs and route them to psycopg 3."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not (parsed.drivername.startswith("sqlite") or parsed.drivername == "postgresql+psycopg"):
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}: use sqlite:/// or postgresql://"
        )
    return parsed


def is_sqlite(engine_or_url: Engine | URL) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else engine_or_url
    return url.get_backend_name() == "sqlite"


def create_engine(url: str | URL = DEFAULT_URL, *, pool_size: int = 10, echo: bool = False,
                  connect_timeout: float = 5.0, statement_timeout: float = 10.0,
                  pool_timeout: float = 5.0, synchronous: str = "normal") -> Engine:
    """An engine for ``url``. PostgreSQL's waits are all bounded: ``connect_timeout`` for a new
    connection, ``statement_timeout`` for a statement (cancelled by the server), ``pool_timeout``
    for a free pooled connection; TCP keepalives and a user timeout notice a peer that is gone.
    SQLite's ``synchronous`` is ``normal`` or ``full`` (see ``SYNCHRONOUS``)."""
    parsed = normalize_url(url)
    if is_sqlite(parsed):
        return _sqlite_engine(parsed, pool_size=pool_size, echo=echo, synchronous=synchronous)
    engine = sa.create_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=pool_timeout,
        connect_args={
            "options": f"-c timezone=UTC -c statement_timeout={int(statement_timeout * 1000)}",
            # libpq counts whole seconds, and at least 2.
            "connect_timeout": max(2, round(connect_timeout)),
            "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
            "keepalives_count": 3, "tcp_user_timeout": int(statement_timeout * 1000) + 5000,
        },
        json_deserializer=orjson.loads,
        echo=echo,
    )
    _ping_when_idle(engine)
    return engine


#: How long a pooled PostgreSQL connection may have been idle and still be lent unpinged.
PING_AFTER_IDLE = 1.0


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's pessimistic disconnect handling, for connections that sat idle: a failed
    ping raises ``DisconnectionError``, and the pool then opens a new connection instead."""

    @sa.event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since <= PING_AFTER_IDLE:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except psycopg.Error as exc:
            raise sa.exc.DisconnectionError(str(exc)) from exc
        if not alive:
            raise sa.exc.DisconnectionError("the ping went unanswered")


#: SQLite's ``synchronous`` settings the gateway offers. In WAL mode ``normal`` (the default)
#: never loses a committed transaction when the process crashes or is killed, and never
#: corrupts the file; after a power loss or an operating-system crash the last transactions
#: before it may be lost (rolled back, never half-applied). ``full`` syncs the WAL on every
#: commit, so a commit survives power loss too, at the cost of one fsync per write.
SYNCHRONOUS = ("normal", "full")
_synchronous: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def sqlite_synchronous(engine: Engine) -> str:
    """The ``synchronous`` setting of ``engine``'s connections (``normal`` unless it was made
    with another)."""
    return _synchronous.get(engine, "normal")


def configure_sqlite(dbapi_conn: Any, synchronous: str = "normal") -> None:
    """Settings every SQLite connection of the gateway gets, pooled or not."""
    # pysqlite's own transaction handling would defer BEGIN until the first write, which lets
    # two writers both read and then deadlock on upgrade; the store issues BEGIN itself.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    _enable_wal(cur)
    if synchronous not in SYNCHRONOUS:
        raise ValueError(f"SQLite synchronous must be one of {', '.join(SYNCHRONOUS)}")
    cur.execute(f"PRAGMA synchronous={synchronous.upper()}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT_PAGES}")
    cur.close()
    # Case folding for all of Unicode, as PostgreSQL's lower() does (``text.folded``).
    dbapi_conn.create_function("cg_fold", 1, fold_or_none, deterministic=True)


def _enable_wal(cur: sqlite3.Cursor) -> None:
    """Switch the file to WAL (a no-op once it is). Switching takes an exclusive lock, and two
    connections switching a new file at once can deadlock, which SQLite answers with an immediate
    "database is locked" rather than the busy timeout: so retry until the timeout. The first
    switch is permanent, and later ones need no lock at all."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


class _HintingSQLiteCompiler(SQLiteCompiler):
    """SQLite's compiler, writing a table hint (``Select.with_hint(table, "INDEXED BY ...",
    "sqlite")``) after the table's name, where SQLite reads one; SQLAlchemy's own drops it."""

    def get_from_hint_text(self, table: Any, text: str) -> str:
        return text


def _sqlite_engine(url: URL, *, pool_size: int, echo: bool, synchronous: str) -> Engine:
    if url.database in (None, "", ":memory:"):
        raise ValueError("an in-memory SQLite database cannot be shared by the gateway: use a file")
    engine = sa.create_engine(
        url,
        poolclass=sa.pool.QueuePool,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        json_deserializer=orjson.loads,
        echo=echo,
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        configure_sqlite(dbapi_conn, synchronous)

    _synchronous[engine] = synchronous
    engine.dialect.statement_compiler = _HintingSQLiteCompiler

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")

    return engine
