"""Compiled statements and the session that runs them on one raw DBAPI connection.

SQLAlchemy still writes every statement's SQL for the database at hand and converts values with
its own type processors (datetimes on SQLite, JSON, booleans, decimals). What this skips is
SQLAlchemy's per-execution machinery: pool checkout events, cache-key generation, result objects
and the autobegin/rollback round trips. Measured here that machinery costs about 150 µs per
statement, several times the statement itself, and a gateway request is one or two statements
(``bench/README.md`` has the figures).

A ``Statement`` is compiled per database dialect and cached by a shape key chosen by the caller,
so a shape (which filters, which sort, which columns) is compiled once per process. Statements
use named ``bindparam``s only; values never become literals in the SQL.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import sqlalchemy as sa

from .errors import Conflict

Processor = Callable[[Any], Any] | None


class Compiled(Protocol):
    """Where a session finds its compiled statements (``sql.Statements``)."""

    dialect: sa.Dialect
    #: Whether the connections are SQLite's (no prepared statements to plan around).
    sqlite: bool
    #: Statement shapes that overran an inline budget, until when to keep them off the loop.
    slow: dict[Hashable, float]

    def get(self, key: Hashable, build: Callable[[], sa.Executable]) -> Statement: ...

    def remaining(self) -> float | None:
        """Seconds left before this thread's writes may no longer commit (``None``: no limit);
        ``Unavailable`` once none are."""


class Overrun(Exception):
    """A bounded call met a statement known to be slow: run the call again where waiting is
    fine (see ``Statements.within``)."""


class Statement:
    __slots__ = ("sql", "positional", "names", "defaults", "binders", "keys", "readers",
                 "named_readers", "writes")

    def __init__(self, stmt: sa.Executable, dialect: sa.Dialect) -> None:
        compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        self.sql = str(compiled)
        #: Whether it may change rows: an INSERT, UPDATE or DELETE, or SQL written out (ANALYZE).
        self.writes = bool(getattr(stmt, "is_dml", False)) or isinstance(stmt, sa.TextClause)
        self.positional = bool(compiled.positional)
        by_name = {name: bind for bind, name in compiled.bind_names.items()}
        self.names: list[str] = (
            list(compiled.positiontup) if self.positional else list(by_name)  # type: ignore[arg-type]
        )
        self.defaults = {k: v for k, v in compiled.params.items() if v is not None}
        self.binders: dict[str, Processor] = {}
        for name in self.names:
            proc = by_name[name].type._cached_bind_processor(dialect) if name in by_name else None
            if proc is not None:
                self.binders[name] = proc
        columns = list(getattr(stmt, "selected_columns", ()) or ())
        if not columns and getattr(stmt, "_returning", None):
            columns = list(stmt._returning)  # type: ignore[attr-defined]
        self.keys = tuple(c.key for c in columns)
        readers = [_reader(c.type, dialect) for c in columns]
        self.readers = (
            tuple((i, r) for i, r in enumerate(readers) if r is not None) if columns else ()
        )
        self.named_readers = tuple((self.keys[i], r) for i, r in self.readers)

    def bind(self, values: Mapping[str, Any]) -> Any:
        if self.defaults or self.binders:
            merged = {**self.defaults, **values}
            for name, proc in self.binders.items():
                merged[name] = proc(merged.get(name))
            values = merged
        if self.positional:
            return tuple([values[n] for n in self.names])
        return values

    def convert(self, row: tuple) -> tuple | list:
        if not self.readers:
            return row
        out = list(row)
        for i, reader in self.readers:
            out[i] = reader(out[i])
        return out


def _reader(type_: Any, dialect: sa.Dialect) -> Processor:
    """A column's result processor. Some want the type the driver reports for the column, unknown
    when compiling (psycopg's for Numeric); the driver's own value (a Decimal) is then kept."""
    try:
        return type_._cached_result_processor(dialect, None)
    except (TypeError, sa.exc.InvalidRequestError):
        return None


class Session:
    """One DBAPI connection for the duration of a read or a write.

    ``begin``: the connection is in autocommit, and this is sent before the session's first
    statement that writes (PostgreSQL's write sessions, ``sql.Statements.write``). Its reads
    before then see what they would see inside a READ COMMITTED transaction (each statement
    its own snapshot), and a write may run on its own before it (``scalar(..., alone=True)``),
    committed at once: no lock it takes is held through the transaction that follows."""

    __slots__ = ("raw", "_cursor", "_statements", "IntegrityError", "Error", "deadline", "key",
                 "quick", "begin", "committed")

    def __init__(self, raw: Any, statements: Compiled, begin: str | None = None) -> None:
        self.raw = raw
        self.begin = begin
        self._cursor = raw.cursor()
        self._statements = statements
        #: The driver's own error for a broken constraint (sqlite3's or psycopg's).
        self.IntegrityError = statements.dialect.dbapi.IntegrityError
        self.Error = statements.dialect.dbapi.Error
        #: While a bounded call runs (``Statements.within``): when it must have finished, and
        #: the shape of the statement running.
        self.deadline: float | None = None
        self.key: Hashable = None
        #: The connection gives up on a lock at once instead of waiting (bounded calls only).
        self.quick = False
        #: The session committed its transaction itself (``last_write``): nothing more to write.
        self.committed = False

    @property
    def sqlite(self) -> bool:
        return self._statements.sqlite

    @property
    def deferred(self) -> bool:
        """Whether a write made now with ``alone`` commits by itself: the session defers its
        transaction and has not written yet."""
        return self.begin is not None

    def _start(self) -> None:
        """Open the transaction a write session deferred to its first write."""
        begin, self.begin = self.begin, None
        self._cursor.execute(begin)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested transaction: an error inside undoes only what was done inside."""
        if self.begin is not None:
            self._start()
        self._cursor.execute("SAVEPOINT clientgate_sp")
        try:
            yield
        except BaseException:
            try:
                # Undone and forgotten: a savepoint of the same name outside this one is the
                # one an outer ROLLBACK TO then finds.
                self._cursor.execute("ROLLBACK TO SAVEPOINT clientgate_sp")
                self._cursor.execute("RELEASE SAVEPOINT clientgate_sp")
            except self.Error:
                pass  # the transaction is gone with it (SQLite undoes it on an interrupt)
            raise
        self._cursor.execute("RELEASE SAVEPOINT clientgate_sp")

    def overdue(self) -> int:
        """SQLite's progress handler while bounded calls run: non-zero interrupts the statement."""
        return 1 if self.deadline is not None and time.monotonic() > self.deadline else 0

    def _run(self, key: Hashable, build: Callable[[], sa.Executable],
             values: Mapping[str, Any], plan_each: bool = False,
             alone: bool = False) -> tuple[Statement, Any]:
        """``plan_each``: PostgreSQL plans the statement for its values every time, never from a
        prepared statement's generic plan. For a substring search: a generic plan cannot know
        how few rows the pattern matches, and walks the tenant in order instead of asking the
        pattern's trigram index. ``alone``: see ``scalar``."""
        st = self._statements.get(key, build)
        if self.deadline is not None:
            self._bounded(key)
        if st.writes:
            if self.committed:
                raise RuntimeError("a write after the session committed (last_write)")
            if self.begin is not None and not alone:
                self._start()
        if plan_each and not self._statements.sqlite:
            self._cursor.execute(st.sql, st.bind(values), prepare=False)
        else:
            self._cursor.execute(st.sql, st.bind(values))
        return st, self._cursor

    def _bounded(self, key: Hashable) -> None:
        until = self._statements.slow.get(key)
        if until is not None and until > time.monotonic():
            raise Overrun(key)
        self.key = key

    def rows(self, key: Hashable, build: Callable[[], sa.Executable],
             values: Mapping[str, Any], *, plan_each: bool = False) -> list[dict[str, Any]]:
        st, cur = self._run(key, build, values, plan_each)
        keys = st.keys
        rows = [dict(zip(keys, r, strict=True)) for r in cur.fetchall()]
        # A column at a time: for a page of rows this is about 40% faster than row by row.
        for name, reader in st.named_readers:
            for row in rows:
                row[name] = reader(row[name])
        return rows

    def tuples(self, key: Hashable, build: Callable[[], sa.Executable],
               values: Mapping[str, Any]) -> list[tuple]:
        """The rows as the driver gives them, converted by nobody: for statements whose columns
        the driver already reads as they are wanted (ids, text)."""
        _, cur = self._run(key, build, values)
        return cur.fetchall()

    def one(self, key: Hashable, build: Callable[[], sa.Executable],
            values: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row as a dict, or ``None``."""
        st, cur = self._run(key, build, values)
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip(st.keys, st.convert(row), strict=True))

    def scalar(self, key: Hashable, build: Callable[[], sa.Executable],
               values: Mapping[str, Any], *, plan_each: bool = False,
               alone: bool = False) -> Any:
        """The first column of the first row, or ``None``. ``alone``: a write made before the
        session has written anything commits by itself at once where the session defers its
        transaction (``begin``), and is otherwise part of the transaction, as any write is."""
        st, cur = self._run(key, build, values, plan_each, alone)
        row = cur.fetchone()
        if row is None:
            return None
        return st.convert(row)[0]

    def scalars(self, reads: list[tuple[Hashable, Callable[[], sa.Executable],
                                        Mapping[str, Any]]]) -> list[Any]:
        """What ``scalar`` gives for each of ``reads``, statements that write nothing: on
        PostgreSQL sent together, one round trip for all (psycopg's pipeline); one by one on
        SQLite, whose statements are calls into a library."""
        if self._statements.sqlite or len(reads) < 2:
            return [self.scalar(key, build, values) for key, build, values in reads]
        statements = [self._statements.get(key, build) for key, build, _ in reads]
        if any(st.writes for st in statements):
            raise ValueError("scalars() reads; a write goes through scalar() or execute()")
        cursors = [self.raw.cursor() for _ in reads]
        with self.raw.pipeline():
            for cursor, st, (_, _, values) in zip(cursors, statements, reads, strict=True):
                cursor.execute(st.sql, st.bind(values))
        rows = [cursor.fetchone() for cursor in cursors]
        return [None if row is None else st.convert(row)[0]
                for st, row in zip(statements, rows, strict=True)]

    def last_write(self, key: Hashable, build: Callable[[], sa.Executable],
                   values: Mapping[str, Any]) -> dict[str, Any] | None:
        """The session's last write, and its first row as ``one`` gives it. Where the session
        has not begun its transaction (PostgreSQL, nothing written yet but ids taken alone),
        the transaction's BEGIN, this statement and its COMMIT go to the server together, one
        round trip instead of four (psycopg's pipeline). The statement is then held to the time
        the call has left to commit in (``statement_timeout``, local to the transaction): one
        that would finish later is cancelled by the server, and nothing is written, as a
        transaction past its deadline is rolled back. Anywhere else it is a statement of the
        transaction, which the session's owner commits as usual."""
        if self.begin is None:
            return self.one(key, build, values)
        st = self._statements.get(key, build)
        left = self._statements.remaining()
        control = self.raw.cursor()
        with self.raw.pipeline():
            control.execute(self.begin)
            self.begin = None
            if left is not None:
                control.execute("SELECT set_config('statement_timeout', %s, true)",
                                (str(max(1, int(left * 1000))),))
            self._cursor.execute(st.sql, st.bind(values))
            control.execute("COMMIT")
        self.committed = True
        row = self._cursor.fetchone()
        return None if row is None else dict(zip(st.keys, st.convert(row), strict=True))

    def execute(self, key: Hashable, build: Callable[[], sa.Executable],
                values: Mapping[str, Any]) -> int:
        _, cur = self._run(key, build, values)
        return cur.rowcount

    def executemany(self, key: Hashable, build: Callable[[], sa.Executable],
                    values: list[Mapping[str, Any]]) -> None:
        st = self._statements.get(key, build)
        if self.deadline is not None:
            self._bounded(key)
        if self.begin is not None and st.writes:
            self._start()
        self._cursor.executemany(st.sql, [st.bind(v) for v in values])

    def insert(self, table: sa.Table, row: Mapping[str, Any], *, unique: str | None = None) -> int:
        """Insert ``row`` into ``table`` and return its ``id``. With ``unique``, a broken unique
        constraint is ``Conflict(unique)`` and undoes only this insert (a savepoint), so the
        caller's transaction can go on."""
        columns = tuple(sorted(row))
        values = {f"v_{k}": v for k, v in row.items()}

        def build() -> sa.Executable:
            return (table.insert().values({k: sa.bindparam(f"v_{k}") for k in columns})
                    .returning(table.c.id))

        if unique is None:
            return self.scalar(("insert", table.name, columns), build, values)
        try:
            with self.savepoint():
                return self.scalar(("insert", table.name, columns), build, values)
        except self.IntegrityError:
            raise Conflict(unique) from None

    def update(self, table: sa.Table, row_id: int, values: Mapping[str, Any], *,
               tenant_id: int | None = None) -> int:
        """Set ``values`` on the row of ``table`` whose ``id`` is ``row_id`` (in ``tenant_id``,
        which a table numbered per tenant requires: see ``core.models``); rows changed."""
        columns = tuple(sorted(values))
        per_tenant = "tenant_id" in table.primary_key.columns
        if per_tenant and tenant_id is None:
            raise ValueError(f"{table.name} ids are per tenant: give the tenant_id")
        key = {"row_id": row_id, "tenant_id": tenant_id} if per_tenant else {"row_id": row_id}

        def build() -> sa.Executable:
            where = [table.c.id == sa.bindparam("row_id")]
            if per_tenant:
                where.append(table.c.tenant_id == sa.bindparam("tenant_id"))
            return table.update().where(*where).values(
                {k: sa.bindparam(f"v_{k}") for k in columns})

        return self.execute(("update", table.name, columns), build,
                            {**key, **{f"v_{k}": v for k, v in values.items()}})
