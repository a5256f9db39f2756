"""Migrations keep every row and id: a database at an earlier revision, with data in it, is
upgraded to this version on both backends."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from core import migrate
from core import models as m
from core.db import create_engine
from core.queries import ClientQuery
from core.scope import Scope
from core.store import Store
from tests.conftest import empty_database, make_tenant


def at_revision(backend, tmp_path, revision: str):
    """An engine on a new database whose schema stops at ``revision``."""
    with empty_database(backend, tmp_path) as url:
        engine = create_engine(url, pool_size=1)
        migrate.upgrade(engine, revision)
        yield engine
        engine.dispose()


def migrate_to(engine, revision: str, down: bool) -> None:
    """``engine``'s database taken up or down to ``revision``."""
    with engine.connect() as conn:
        (command.downgrade if down else command.upgrade)(migrate._config(conn), revision)
        conn.commit()


@pytest.fixture
def at_0001(backend, tmp_path):
    yield from at_revision(backend, tmp_path, "0001")


def test_0002_rewrites_email_keys_in_one_form_and_keeps_every_row(at_0001):
    now = datetime.now(UTC)
    nfd = unicodedata.normalize("NFD", "René@Acme.example")
    with at_0001.begin() as conn:
        conn.execute(sa.text("INSERT INTO tenants (id, name, created_at) VALUES (7, 'acme', :now)"),
                     {"now": now})
        rows = [(41, "ＪＡＮＥ@acme.example"), (42, nfd), (43, "plain@acme.example"),
                (44, "Twin@acme.example"), (45, "ＴＷＩＮ@acme.example")]
        for row_id, email in rows:
            conn.execute(sa.text(
                "INSERT INTO client_users (id, tenant_id, client_id, kind, first_name, last_name, "
                "email, email_key, is_owner, created_at) VALUES (:id, 7, NULL, 'contact', 'A', "
                "'B', :email, :key, false, :now)"),
                {"id": row_id, "email": email, "key": email.lower(), "now": now})

    migrate.upgrade(at_0001)

    assert migrate.is_current(at_0001)
    with at_0001.connect() as conn:
        keys = dict(conn.execute(sa.text("SELECT id, email_key FROM client_users")).all())
        emails = dict(conn.execute(sa.text("SELECT id, email FROM client_users")).all())
    assert keys[41] == "jane@acme.example"
    assert keys[42] == unicodedata.normalize("NFC", "rené@acme.example")
    assert keys[43] == "plain@acme.example"
    # Two existing people who fold to one address both stay, each as they were.
    assert (keys[44], keys[45]) == ("twin@acme.example", "ｔｗｉｎ@acme.example")
    assert emails == {row_id: email for row_id, email in rows}

    store = Store(at_0001)
    try:
        found = store.users.list(Scope(7))
        assert [u["id"] for u in found] == [41, 42, 43, 44, 45]
    finally:
        store.db.close()


@pytest.fixture
def at_0003(backend, tmp_path):
    yield from at_revision(backend, tmp_path, "0003")


def test_0004_numbers_ids_per_tenant_and_keeps_every_row_and_id(at_0003, backend):
    now = datetime.now(UTC)
    sql = [
        "INSERT INTO tenants (id, name, created_at) VALUES (1, 'a', :now), (2, 'b', :now)",
        "INSERT INTO workspaces (id, tenant_id, slug, name, is_default, created_at) VALUES "
        "(10, 1, 'main', 'Main', true, :now), (11, 2, 'main', 'Main', true, :now)",
        "INSERT INTO client_categories (id, tenant_id, name, is_default, created_at) VALUES "
        "(20, 1, 'Default', true, :now), (21, 2, 'Default', true, :now)",
        "INSERT INTO custom_fields (id, tenant_id, name, label, required, created_at) VALUES "
        "(30, 1, 'po', 'PO', false, :now)",
        "INSERT INTO clients (id, uuid, tenant_id, workspace_id, category_id, name, status, "
        "metadata, created_at, updated_at) VALUES "
        "(100, '00000000-0000-4000-8000-000000000100', 1, 10, 20, 'A1', 'active', '{}', :now, "
        ":now), (101, '00000000-0000-4000-8000-000000000101', 2, 11, 21, 'B1', 'active', '{}', "
        ":now, :now)",
        "INSERT INTO client_tags (client_id, position, title) VALUES (100, 0, 'x'), "
        "(100, 1, 'y'), (101, 0, 'z')",
        "INSERT INTO client_custom_values (client_id, field_id, value) VALUES (100, 30, 'P-1')",
        "INSERT INTO client_users (id, tenant_id, client_id, kind, first_name, last_name, email, "
        "email_key, is_owner, created_at) VALUES (40, 1, 100, 'user', 'Ann', 'A', 'a@a.example', "
        "'a@a.example', true, :now)",
        "INSERT INTO api_keys (id, tenant_id, workspace_id, name, prefix, key_hash, created_at) "
        "VALUES (50, 1, 10, 'k', 'cg_x', 'h50', :now)",
        "INSERT INTO outbox_emails (id, tenant_id, client_id, kind, to_email, subject, body, "
        "created_at) VALUES (60, 1, 100, 'client_welcome', 'a@a.example', 's', 'b', :now)",
    ]
    with at_0003.begin() as conn:
        for statement in sql:
            conn.execute(sa.text(statement), {"now": now})
        if backend == "postgresql":
            # The database once gave id 102, to a client since deleted.
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('clients', 'id'), 102)")
            for table in ("api_keys", "outbox_emails"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 60)")

    migrate.upgrade(at_0003)

    assert migrate.is_current(at_0003)
    store = Store(at_0003)
    try:
        a = store.clients.get(Scope(1), id=100)
        assert (a["name"], a["tags"], a["custom_fields"], a["owner_id"]) == \
            ("A1", ["x", "y"], {"po": "P-1"}, 40)
        assert a["workspace_id"] == 10 and a["category_id"] == 20 and a["origin"] is None
        assert store.clients.get(Scope(2), id=101)["tags"] == ["z"]
        assert store.clients.get(Scope(2), uuid="00000000-0000-4000-8000-000000000101")["id"] \
            == 101
        assert store.keys.list(1)[0]["workspace_id"] == 10
        assert store.outbox.all(tenant_id=1)[0]["client_id"] == 100
        # New ids come after every id the old database gave, in every tenant.
        made = store.clients.create(Scope(2), {"name": "B2"})
        assert made["id"] == (103 if backend == "postgresql" else 102)
        assert store.workspaces.create(1, "second")["id"] == 12
        store.keys.create(1)
        # Keys keep their own ids, past the old ones (and the old sequence on PostgreSQL).
        assert store.keys.list(1)[-1]["id"] == (61 if backend == "postgresql" else 51)
    finally:
        store.db.close()


@pytest.fixture
def at_0008(backend, tmp_path):
    yield from at_revision(backend, tmp_path, "0008")


def test_0009_counts_the_clients_there_are_and_keeps_counting(at_0008):
    now = datetime.now(UTC)
    clients = ", ".join(
        f"({i}, '00000000-0000-4000-8000-{i:012d}', {1 + i % 2}, {10 + i % 2}, {20 + i % 2}, "
        f"'C{i}', '{'inactive' if i % 3 == 0 else 'active'}', '{{}}', :now, :now)"
        for i in range(1, 31))
    with at_0008.begin() as conn:
        for statement in (
            "INSERT INTO tenants (id, name, created_at) VALUES (1, 'a', :now), (2, 'b', :now)",
            "INSERT INTO workspaces (tenant_id, id, slug, name, is_default, created_at) VALUES "
            "(1, 10, 'main', 'Main', true, :now), (2, 11, 'main', 'Main', true, :now)",
            "INSERT INTO client_categories (tenant_id, id, name, is_default, created_at) VALUES "
            "(1, 20, 'Default', true, :now), (2, 21, 'Default', true, :now)",
            "INSERT INTO clients (id, uuid, tenant_id, workspace_id, category_id, name, status, "
            f"metadata, created_at, updated_at) VALUES {clients}",
        ):
            conn.execute(sa.text(statement), {"now": now})

    migrate.upgrade(at_0008)

    store = Store(at_0008)
    try:
        totals = {(t, s): store.clients.list(Scope(t), ClientQuery(statuses=(s,), limit=1)).total
                  for t in (1, 2) for s in ("active", "inactive")}
        assert totals == {(1, "active"): 10, (1, "inactive"): 5, (2, "active"): 10,
                          (2, "inactive"): 5}
        store.clients.delete(Scope(2), id=3)  # odd ids are tenant 2's
        assert store.clients.list(Scope(2), ClientQuery(limit=1)).total == 14
    finally:
        store.db.close()


def test_0013_down_to_0012_folds_the_changes_and_the_triggers_update_again(backend, tmp_path):
    """0013 appends count changes (PostgreSQL); going back to 0012 folds every change there is
    and restores 0009's triggers, which update the groups directly; up again, they append."""
    def groups(engine, table) -> list[tuple]:
        t = table.c
        with engine.connect() as conn:
            return sorted(conn.execute(sa.select(t.status, t.clients)).all())

    for engine in at_revision(backend, tmp_path, "head"):
        store = Store(engine)
        try:
            tenant = make_tenant(store)
            for i in range(3):
                store.clients.create(Scope(tenant.id), {"name": f"C{i}"})
            appended = backend == "postgresql"
            assert groups(engine, m.client_count_changes) == (
                [("active", 1)] * 3 if appended else [])

            migrate_to(engine, "0012", down=True)
            assert groups(engine, m.client_count_changes) == []
            assert groups(engine, m.client_counts) == [("active", 3)]
            store.clients.create(Scope(tenant.id), {"name": "after"})
            assert groups(engine, m.client_counts) == [("active", 4)]
            assert store.clients.list(Scope(tenant.id), ClientQuery(limit=1)).total == 4

            migrate_to(engine, "head", down=False)
            store.clients.create(Scope(tenant.id), {"name": "appended again"})
            assert groups(engine, m.client_count_changes) == (
                [("active", 1)] if appended else [])
            assert store.clients.list(Scope(tenant.id), ClientQuery(limit=1)).total == 5
        finally:
            store.db.close()


def test_0015_down_to_0014_writes_the_pending_entries_and_the_triggers_index_again(
        backend, tmp_path):
    """0015 lists created and renamed clients for their search entries to be written later
    (SQLite); going back to 0014 writes every pending entry and restores 0010's triggers, which
    index at once; up again, they list."""
    if backend != "sqlite":
        pytest.skip("SQLite's search index (PostgreSQL's trigram indexes are unchanged)")

    def entries(engine) -> tuple[int, int]:
        with engine.connect() as conn:
            return (conn.exec_driver_sql("SELECT count(*) FROM client_search").scalar(),
                    conn.exec_driver_sql("SELECT count(*) FROM client_search_pending").scalar())

    def names(store: Store, scope: Scope, term: str) -> list[str]:
        return sorted(r["name"] for r in store.clients.list(scope, ClientQuery(
            search=term, search_fields=("name",))).items)

    for engine in at_revision(backend, tmp_path, "head"):
        store = Store(engine)
        try:
            scope = Scope(make_tenant(store).id)
            made = [store.clients.create(scope, {"name": f"Quay {i}"}) for i in range(3)]
            store.search_index.catch_up_all()
            store.clients.update(scope, id=made[0]["id"], values={"name": "Wharf 0"})
            store.clients.create(scope, {"name": "Quay 3"})
            assert entries(engine) == (3, 2)  # one stale, one missing

            migrate_to(engine, "0014", down=True)
            assert entries(engine) == (4, 0)
            assert names(store, scope, "quay") == ["Quay 1", "Quay 2", "Quay 3"]
            store.clients.create(scope, {"name": "Quay 4"})
            assert entries(engine) == (5, 0)  # indexed by the write itself
            assert names(store, scope, "wharf") == ["Wharf 0"]

            migrate_to(engine, "head", down=False)
            store.clients.create(scope, {"name": "Quay 5"})
            assert entries(engine) == (5, 1)
            assert names(store, scope, "quay") == [f"Quay {i}" for i in range(1, 6)]
        finally:
            store.db.close()


def test_0016_drops_the_primary_keys_twin_on_postgresql_and_going_down_restores_it(
        backend, tmp_path):
    """``ix_clients_tenant_id`` repeats the primary key: PostgreSQL drops it, SQLite keeps it
    for its ``INDEXED BY`` hint; down to 0015 it is back, and the clients stay as they were."""
    def twin(engine) -> bool:
        return "ix_clients_tenant_id" in {
            index["name"] for index in sa.inspect(engine).get_indexes("clients")}

    for engine in at_revision(backend, tmp_path, "head"):
        store = Store(engine)
        try:
            scope = Scope(make_tenant(store).id)
            made = [store.clients.create(scope, {"name": f"Kept {i}"})["id"] for i in range(3)]
            assert twin(engine) == (backend == "sqlite")
            migrate_to(engine, "0015", down=True)
            assert twin(engine)
            made.append(store.clients.create(scope, {"name": "Kept 3"})["id"])
            migrate_to(engine, "head", down=False)
            assert twin(engine) == (backend == "sqlite")
            page = store.clients.list(scope, ClientQuery(search="kept", search_fields=("name",)))
            assert [r["id"] for r in page.items] == made
        finally:
            store.db.close()
