"""The store's one way into the database: connections, transactions, and bounded calls.

``Statements`` holds the compiled statements (``session.Statement``) and lends a ``Session`` for
a read, a snapshot (several reads that must agree) or a write. Drivers' errors that mean the
database cannot serve now become ``errors.Unavailable`` here, at the boundary.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from .db import (
    SQLITE_BUSY_TIMEOUT_MS,
    configure_sqlite,
    is_sqlite,
    is_unavailable,
    sqlite_synchronous,
)
from .errors import Unavailable
from .session import Overrun, Session, Statement

#: What ``Statements.within`` answers for a call it did not finish.
OVERRUN = object()
#: How long a statement shape that overran an inline budget is sent straight to a thread.
SLOW_MEMORY_SECONDS = 30.0
#: SQLite's answers for "this would wait": interrupted by the budget, or a lock is held.
_WAITS = frozenset({sqlite3.SQLITE_INTERRUPT, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def _broken(driver: Any) -> bool:
    """Whether a psycopg connection can no longer be used (closed, or its socket lost)."""
    return driver.closed


def unavailable(exc: BaseException) -> Unavailable:
    """The store's error for a database that cannot serve now, naming the driver's error."""
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    return Unavailable(f"{type(exc).__name__}: {first}" if first else type(exc).__name__)


def _translate(exc: BaseException | None, session: Session | None = None) -> None:
    """Raise a driver's "cannot serve now" as ``Unavailable`` (see ``db.is_unavailable``); inside
    a bounded call it is left as it is, for the runner to retry where waiting is fine."""
    if (exc is not None and not isinstance(exc, Unavailable)
            and (session is None or session.deadline is None) and is_unavailable(exc)):
        raise unavailable(exc) from exc


class _Held:
    """A thread's own SQLite session, lent out as a context manager: counted in use while it is
    (``Statements.close`` leaves it open until then), its errors translated.

    Only its thread lends it, so the count needs no lock. ``close`` (another thread) marks it
    ``closing`` and then reads the count; a lend raises the count and then reads ``closing``.
    Under the GIL one of the two sees the other's write: either ``close`` finds it in use and
    its thread closes it when the use ends, or the lend finds it closing and gives up."""

    __slots__ = ("session", "uses", "closing")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.uses = 0
        self.closing = False

    def lend(self) -> None:
        self.uses += 1
        if self.closing:
            self.uses -= 1
            raise Unavailable("the store is closed")

    def back(self) -> None:
        self.uses -= 1
        if self.closing and not self.uses:
            self.session.raw.close()

    def __enter__(self) -> Session:
        self.lend()
        return self.session

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: object) -> None:
        self.back()
        _translate(exc, self.session)


class Statements:
    """Compiled statements by shape, and the raw connections to run them on: the store's one way
    into the database. ``read()``, ``snapshot()`` and ``write()`` each lend a ``Session``."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect
        self.sqlite = is_sqlite(engine)
        self._cache: dict[Hashable, Statement] = {}
        #: Statement shapes that overran an inline budget, until when to keep them off the loop.
        self.slow: dict[Hashable, float] = {}
        self._local = threading.local()
        self._opened: list[_Held] = []
        self._lock = threading.Lock()
        #: SQLite: this process's writers take turns here before ``BEGIN IMMEDIATE``. A writer
        #: that finds the database's write lock held waits in SQLite's busy handler, which
        #: sleeps (1, 2, 5, 10 ... 100 ms) and retries: under 32 concurrent creates the lock
        #: sat free while its waiters slept. A writer waiting here wakes when the lock is free.
        self._writers = threading.RLock()
        #: Told how long each pooled (PostgreSQL) connection took to lend, in seconds: the
        #: gateway's metrics of pool waits. None: nobody asks.
        self.on_checkout: Callable[[float], None] | None = None

    def get(self, key: Hashable, build: Callable[[], sa.Executable]) -> Statement:
        st = self._cache.get(key)
        if st is None:
            st = self._cache[key] = Statement(build(), self.dialect)
        return st

    # SQLite: one connection (and one Session) per thread, kept for the thread's life: no pool
    # round trip, no allocation per read (SQLite connections are file handles). PostgreSQL: the
    # engine's pool, whose checkout is small next to a network round trip and which bounds the
    # connections a process holds.

    def _held(self) -> _Held:
        """This thread's SQLite session, opened on first use."""
        held = getattr(self._local, "held", None)
        if held is None:
            cargs, cparams = self.dialect.create_connect_args(self.engine.url)
            conn = self.dialect.dbapi.connect(*cargs, **{**cparams, "check_same_thread": False})
            configure_sqlite(conn, sqlite_synchronous(self.engine))
            held = self._local.held = _Held(Session(conn, self))
            with self._lock:
                self._opened.append(held)
        return held

    def _sqlite_reader(self) -> _Held:
        held = self._held()
        session = held.session
        if session.quick and session.deadline is None:
            # This thread ran bounded calls before; an ordinary call may wait again.
            session.raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            session.raw.set_progress_handler(None, 0)
            session.quick = False
        return held

    def within(self, budget: float, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` on this thread (SQLite only) if it finishes within ``budget``
        seconds without waiting for a lock; otherwise ``OVERRUN``, with what it did undone (its
        transaction rolled back), for the caller to run it again where waiting is fine.

        A statement running past the deadline is interrupted (SQLite's progress handler), and
        its shape is then sent straight to ``OVERRUN`` for ``SLOW_MEMORY_SECONDS``; a lock held
        elsewhere is given up on at once (a busy timeout of 0 on this thread's connection)."""
        session = self._held().session
        if not session.quick:
            # Only the connections of threads that run bounded calls (the event loop's) get the
            # handler: a Python callback takes the GIL, which worker threads should not contend.
            session.raw.execute("PRAGMA busy_timeout=0")
            session.raw.set_progress_handler(session.overdue, 1000)
            session.quick = True
        session.deadline = time.monotonic() + budget
        try:
            return fn(*args, **kwargs)
        except Overrun:
            return OVERRUN
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode not in _WAITS:
                raise
            if exc.sqlite_errorcode == sqlite3.SQLITE_INTERRUPT:
                self.slow[session.key] = time.monotonic() + SLOW_MEMORY_SECONDS
            return OVERRUN
        finally:
            session.deadline = None

    def read(self) -> Any:
        """A session for reads (a context manager). On SQLite each statement sees a consistent
        snapshot; use ``snapshot()`` for several statements that must agree (a page, its total)."""
        return self._sqlite_reader() if self.sqlite else self._pooled_read()

    def _checkout(self) -> Any:
        told = self.on_checkout
        if told is None:
            return self.engine.raw_connection()
        started = time.perf_counter()
        try:
            return self.engine.raw_connection()
        finally:
            told(time.perf_counter() - started)

    @contextmanager
    def _pooled_read(self) -> Iterator[Session]:
        """A read on a pooled connection in autocommit: one round trip a statement, with no
        BEGIN before it and no ROLLBACK when the connection goes back (each statement sees a
        consistent snapshot of its own). The connection goes back as the pool lent it."""
        try:
            raw = self._checkout()
            driver = raw.driver_connection
            try:
                driver.autocommit = True
                yield Session(driver, self)
            finally:
                self._give_back(raw, autocommit=False)
        except Exception as exc:
            _translate(exc)
            raise

    def _give_back(self, raw: Any, **settings: Any) -> None:
        """Return a pooled connection as the pool lent it (``settings`` restored). A broken one
        (the server restarted, the network dropped) is discarded, which spares the pool a
        rollback on a dead socket, and so is every connection the pool holds: they are as old,
        and the next reads then open new ones instead of each failing once on an old one. A
        statement that merely failed (a timeout, a refused row) leaves the pool as it is."""
        driver = raw.driver_connection
        if _broken(driver):
            raw.invalidate()
            self.engine.dispose()
            return
        for name, value in settings.items():
            setattr(driver, name, value)
        raw.close()

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """Several reads in one transaction, which all see the database as it was when the
        first began (a page and its total agree)."""
        if not self.sqlite:
            with self._pooled_read() as session:
                session.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                try:
                    yield session
                finally:
                    if not _broken(session.raw):
                        session.raw.execute("COMMIT")
            return
        with self._sqlite_reader() as session:
            try:
                # Inside the block: a BEGIN interrupted by a bounded call's budget may have
                # opened the transaction before it failed (the progress handler runs mid-BEGIN).
                session.raw.execute("BEGIN")
                yield session
            finally:
                if session.raw.in_transaction:  # an interrupted statement may have ended it
                    session.deadline = None  # ending it is never interrupted
                    session.raw.execute("COMMIT")

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction, committed on success and rolled back on any error."""
        if self.sqlite:
            held = self._sqlite_reader()
            session = held.session
            conn = session.raw
            bounded = session.deadline is not None
            # A bounded call waits for nothing: another writer's turn sends it to a thread.
            if not (self._writers.acquire(blocking=False) if bounded else
                    self._writers.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)):
                if bounded:
                    raise Overrun("write")
                raise Unavailable(f"no turn to write within {SQLITE_BUSY_TIMEOUT_MS / 1000:g} s")
            try:
                held.lend()
                try:
                    # IMMEDIATE takes the write lock up front: concurrent writers queue on the
                    # busy timeout instead of deadlocking when a read lock would have to be
                    # upgraded. It is inside the block: interrupted by a bounded call's budget,
                    # it may have opened the transaction before failing, which is then undone.
                    conn.execute("BEGIN IMMEDIATE")
                    yield session
                    self._in_time()
                    # A commit is never interrupted by a bounded call's budget: it completes or
                    # fails whole, and a failed one is rolled back below.
                    session.deadline = None
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:  # an interrupted statement may have rolled it back
                        session.deadline = None  # nor is a rollback: it must end the transaction
                        conn.execute("ROLLBACK")
                    raise
                finally:
                    held.back()
            except Exception as exc:
                if not bounded:  # a bounded call's failures stay the driver's, for its runner
                    _translate(exc)
                raise
            finally:
                self._writers.release()
            return
        # PostgreSQL: the transaction begins at the first write (``Session.begin``), so reads
        # before it cost no BEGIN, and a counter taken before it (``core.numbering``) is
        # committed by itself instead of staying locked until this transaction ends.
        try:
            raw = self._checkout()
            try:
                driver = raw.driver_connection
                driver.autocommit = True
                try:
                    session = Session(driver, self, begin="BEGIN")
                    yield session
                    if not session.committed:
                        self._in_time()
                except BaseException:
                    if not driver.closed:
                        driver.rollback()  # nothing to undo if nothing was written
                    raise
                driver.commit()
            finally:
                self._give_back(raw, autocommit=False)
        except Exception as exc:
            _translate(exc)
            raise

    @contextmanager
    def deadline(self, when: float) -> Iterator[None]:
        """Writes on this thread made in the block commit only before ``when`` (a
        ``time.monotonic()`` value); after it they are rolled back as ``Unavailable``. For a
        caller that stops waiting then: what it gave up on must not be written behind its back."""
        before = getattr(self._local, "deadline", None)
        self._local.deadline = when
        try:
            yield
        finally:
            self._local.deadline = before

    def _in_time(self) -> None:
        self.remaining()

    def remaining(self) -> float | None:
        when = getattr(self._local, "deadline", None)
        if when is None:
            return None
        left = when - time.monotonic()
        if left <= 0:
            raise Unavailable("the call ran out of time before it could commit")
        return left

    def checkpoint(self) -> int:
        """SQLite: copy the WAL's pages into the database file as far as no reader still needs
        them (``PASSIVE``: it waits for no lock, and writers go on meanwhile); how many pages
        the WAL then holds that are not copied. What a committing writer would otherwise do
        every ``SQLITE_AUTOCHECKPOINT_PAGES``. PostgreSQL: nothing to do (0)."""
        if not self.sqlite:
            return 0
        with self._sqlite_reader() as session:
            _, in_log, copied = session.raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return max(in_log - copied, 0)

    def close(self) -> None:
        """Close every per-thread SQLite connection (at shutdown). One still in use (a call a
        timeout abandoned, still running) is closed by its thread when the call is done:
        closing a connection under a running statement frees what the statement uses (its
        functions, ``cg_fold``), which crashes the process."""
        with self._lock:
            opened, self._opened = self._opened, []
        for held in opened:
            held.closing = True
            if not held.uses:
                held.session.raw.close()
        self._local = threading.local()
