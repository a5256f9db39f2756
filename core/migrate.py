"""Schema migrations (Alembic), safe to run from several gateway instances at once.

On PostgreSQL the upgrade holds an advisory lock, so instances starting together behind a load
balancer migrate one after another (the later ones find nothing to do). On SQLite the upgrade's
transaction takes the write lock before it reads the schema version (``BEGIN IMMEDIATE``), so
the later ones wait on the busy timeout and then find nothing to do; a deferred transaction would
read the version, then fail with "database is locked" when the first instance had written.
"""

from __future__ import annotations

import functools
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_ID = 0x636C6967  # "clig": any constant shared by every instance


def _config(connection: sa.Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()  # type: ignore[return-value]


def current(engine: sa.Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({_LOCK_ID})")
            conn.commit()
        conn.info["write"] = True  # SQLite: BEGIN IMMEDIATE (see core.db)
        try:
            command.upgrade(_config(conn), revision)
            conn.commit()
        finally:
            conn.info.pop("write", None)
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_LOCK_ID})")
                conn.commit()


def is_current(engine: sa.Engine) -> bool:
    return current(engine) == head()
