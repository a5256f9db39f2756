"""Rolling upgrades: which schema an instance serves on, what ``/readyz`` says about it, and what
``clientgate migrate`` (and ``--check``) does, on both backends.

A "newer" schema is made the way a later release would leave it: its revision is one this code
does not know, and ``schema_info`` records the oldest code revision that still serves it.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from core import migrate
from core.db import create_engine
from gateway.app import create_app
from gateway.cli import main
from gateway.cli.server import PENDING
from gateway.settings import Settings
from tests.conftest import empty_database


@pytest.fixture
def url(backend, tmp_path):
    with empty_database(backend, tmp_path) as url:
        yield url


def engine_at(url: str, revision: str = "head") -> sa.Engine:
    engine = create_engine(url, pool_size=1)
    migrate.upgrade(engine, revision)
    return engine


def pretend_newer(engine: sa.Engine, revision: str, serves_from: str) -> None:
    """What a later release's migration leaves: its revision, and what it serves."""
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
        conn.execute(sa.text("UPDATE schema_info SET value = :v WHERE name = 'serves_from'"),
                     {"v": serves_from})


def ready(url: str):
    with TestClient(create_app(Settings(database_url=url))) as client:
        return client.get("/readyz")


def cli(capsys, url, *args):
    code = main(["--database-url", url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_upgrade_records_what_the_schema_serves(url):
    engine = engine_at(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT name, value FROM schema_info")).all()
    assert rows == [("serves_from", migrate.serves_from(migrate.head()))]
    assert migrate.serves_from("0005") == "0004"  # additive
    assert migrate.serves_from("0004") == "0004"  # a rebuild serves only code that knows it
    schema = migrate.inspect(engine)
    assert (schema.current, schema.pending, schema.serves) == (migrate.head(), [], True)
    engine.dispose()


def test_an_additive_newer_schema_is_served_and_left_alone(url, capsys):
    engine = engine_at(url)
    pretend_newer(engine, "9001", serves_from=migrate.head())

    schema = migrate.inspect(engine)
    assert schema.is_newer and schema.serves and schema.problem() is None
    assert ready(url).json() == {"status": "ok"}
    migrate.upgrade(engine)  # nothing to do: the newer code already migrated
    assert migrate.current(engine) == "9001"

    code, out, err = cli(capsys, url, "migrate", "--check", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"current": "9001", "head": migrate.head(), "pending": [],
                               "newer": True, "serves": True}
    engine.dispose()


def test_a_contracting_newer_schema_is_refused_in_one_line(url, capsys):
    engine = engine_at(url)
    pretend_newer(engine, "9002", serves_from="9002")

    r = ready(url)
    assert r.status_code == 503
    assert r.json() == {"status": "unavailable", "reason":
                        f"schema 9002 is newer than this version ({migrate.head()}) and does not "
                        "serve it"}
    with pytest.raises(migrate.SchemaError, match="upgrade clientgate"):
        migrate.upgrade(engine)
    for args in (("migrate",), ("migrate", "--check")):
        code, out, err = cli(capsys, url, *args)
        assert code == 1 and out == ""
        assert err.startswith("clientgate: error: schema 9002 is newer") and err.count("\n") == 1
    assert migrate.current(engine) == "9002"
    engine.dispose()


def test_check_lists_pending_migrations_and_changes_nothing(url, capsys):
    engine = engine_at(url, "0004")
    code, out, err = cli(capsys, url, "migrate", "--check", "--json")
    assert (code, err) == (PENDING, "")
    body = json.loads(out)
    assert body["current"] == "0004" and body["pending"] == list(migrate.known()[4:])
    assert body["serves"] is False
    assert migrate.current(engine) == "0004"
    assert ready(url).json()["reason"] == "schema is not up to date"

    assert cli(capsys, url, "migrate", "--json")[0] == 0
    assert cli(capsys, url, "migrate", "--check")[0] == 0
    engine.dispose()


def test_check_on_a_missing_sqlite_file_is_an_error(tmp_path, capsys):
    code, out, err = cli(capsys, f"sqlite:///{tmp_path}/none.db", "migrate", "--check")
    assert code == 1 and "no database at" in err
    assert not (tmp_path / "none.db").exists()


def test_readiness_reads_every_table_the_code_reads(url):
    """A schema that says it is current but lacks a column the code reads is not ready: every
    request that reads it would fail."""
    engine = engine_at(url)
    assert ready(url).json() == {"status": "ok"}
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE clients DROP COLUMN notes"))
    r = ready(url)
    assert r.status_code == 503
    assert r.json() == {"status": "unavailable", "reason": "a read of the schema failed"}
    engine.dispose()
