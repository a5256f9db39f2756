"""Schema migrations (Alembic), safe to run from several gateway instances at once.

On PostgreSQL the upgrade holds an advisory lock, so instances starting together behind a load
balancer migrate one after another (the later ones find nothing to do). On SQLite the upgrade's
transaction takes the write lock before it reads the schema version (``BEGIN IMMEDIATE``), so
the later ones wait on the busy timeout and then find nothing to do; a deferred transaction would
read the version, then fail with "database is locked" when the first instance had written.

Rolling upgrades (expand, then contract). A migration module may say ``serves_from = "<rev>"``:
code as old as revision ``<rev>`` still serves correctly on the schema it leaves (it only added
tables, nullable columns or indexes). ``upgrade`` records the head's value in ``schema_info``, so
an instance of older code that finds a schema newer than it knows reads that row and keeps
serving when its own head is at or past it (``Schema.serves``). A migration without
``serves_from`` serves only code that knows it: old instances turn unready and refuse to migrate.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_ID = 0x636C6967  # "clig": any constant shared by every instance
#: The key-value table where ``upgrade`` records the oldest code revision the schema serves.
INFO_TABLE = "schema_info"
SERVES_FROM = "serves_from"


class SchemaError(Exception):
    """The database's schema cannot be served or upgraded by this version (one line)."""


def _config(connection: sa.Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


@functools.cache
def head() -> str:
    return _scripts().get_current_head()  # type: ignore[return-value]


@functools.cache
def known() -> tuple[str, ...]:
    """Every revision this code knows, oldest first."""
    return tuple(reversed([s.revision for s in _scripts().walk_revisions()]))


def serves_from(revision: str) -> str:
    """The oldest code revision that serves the schema ``revision`` leaves."""
    module = _scripts().get_revision(revision).module
    return getattr(module, "serves_from", revision)


def current(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True, slots=True)
class Schema:
    """Where a database's schema stands against this code."""

    #: The database's revision (None: no schema yet).
    current: str | None
    head: str
    #: What the database says its schema serves (recorded by the newest code that migrated it).
    recorded_serves_from: str | None = None

    @property
    def is_newer(self) -> bool:
        """Migrated by a later version than this one."""
        return self.current is not None and self.current not in known()

    @property
    def pending(self) -> list[str]:
        """The revisions ``upgrade`` would apply, oldest first."""
        if self.is_newer:
            return []
        order = known()
        start = 0 if self.current is None else order.index(self.current) + 1
        return list(order[start:])

    @property
    def serves(self) -> bool:
        """Whether this code can serve on the schema as it is."""
        if self.current == self.head:
            return True
        if self.is_newer:
            return self.recorded_serves_from in known()
        return False

    def problem(self) -> str | None:
        """Why this code cannot serve, in a few words (None: it can)."""
        if self.serves:
            return None
        if self.is_newer:
            return (f"schema {self.current} is newer than this version ({self.head}) and "
                    f"does not serve it")
        return "schema is not up to date"

    def as_dict(self) -> dict:
        return {"current": self.current, "head": self.head, "pending": self.pending,
                "newer": self.is_newer, "serves": self.serves}


def inspect(engine: sa.Engine) -> Schema:
    """The database's revision and, when it is newer than this code, what it serves."""
    with engine.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
        recorded = None
        if revision is not None and revision not in known():
            recorded = _recorded_serves_from(conn)
    return Schema(revision, head(), recorded)


def _recorded_serves_from(conn: sa.Connection) -> str | None:
    if not sa.inspect(conn).has_table(INFO_TABLE):
        return None
    return conn.execute(sa.text(f"SELECT value FROM {INFO_TABLE} WHERE name = :name"),
                        {"name": SERVES_FROM}).scalar()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Apply every pending migration. A schema that is newer than this code is left as it is
    when it serves this code, and is a ``SchemaError`` otherwise."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({_LOCK_ID})")
            conn.commit()
        conn.info["write"] = True  # SQLite: BEGIN IMMEDIATE (see core.db)
        try:
            found = MigrationContext.configure(conn).get_current_revision()
            if found is not None and found not in known():
                schema = Schema(found, head(), _recorded_serves_from(conn))
                conn.rollback()
                if not schema.serves:
                    raise SchemaError(
                        f"{schema.problem()}: upgrade clientgate to a version that knows it")
                return
            command.upgrade(_config(conn), revision)
            _record(conn, serves_from(MigrationContext.configure(conn).get_current_revision()))
            conn.commit()
        finally:
            conn.info.pop("write", None)
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_LOCK_ID})")
                conn.commit()


def _record(conn: sa.Connection, value: str) -> None:
    if not sa.inspect(conn).has_table(INFO_TABLE):  # upgraded to a revision before 0005
        return
    updated = conn.execute(sa.text(f"UPDATE {INFO_TABLE} SET value = :value WHERE name = :name"),
                           {"name": SERVES_FROM, "value": value}).rowcount
    if not updated:
        conn.execute(sa.text(f"INSERT INTO {INFO_TABLE} (name, value) VALUES (:name, :value)"),
                     {"name": SERVES_FROM, "value": value})


def is_current(engine: sa.Engine) -> bool:
    return current(engine) == head()
