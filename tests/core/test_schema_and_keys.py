"""Migrations, tenants, workspaces and API keys on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from core import migrate, search
from core import models as m
from core.errors import Conflict, Invalid, NotFound
from core.keys import hash_key
from core.queries import ClientQuery, conditions
from core.scope import Scope, scope_terms
from tests.conftest import make_tenant


def test_migrations_build_exactly_the_models(store, backend):
    assert migrate.is_current(store.engine)

    def here(obj, name, kind, reflected, compare_to) -> bool:
        """An index built on one database only (the search trigrams) is compared there only;
        SQLite's search index is the triggers' (``core.search``), not the models'."""
        if kind == "table" and reflected and name.startswith(search.SQLITE_TABLES_PREFIX):
            return backend != "sqlite"  # so found on PostgreSQL, it fails the comparison
        wanted = getattr(obj, "_ddl_if", None)
        return wanted is None or wanted.dialect in (None, backend)

    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_object": here})
        assert compare_metadata(context, m.metadata) == []


def test_postgresql_searches_clients_through_trigram_indexes(store, backend):
    """On a tenant of 50,000 clients, the plan of every dialect's search shape finds its rows
    through the trigram index of each column it looks in, not by reading the tenant's rows
    through another index. Sequential scans are off: at this size the planner still reckons
    one read of the table cheaper for a search of two or three columns."""
    if backend != "postgresql":
        pytest.skip("trigram GIN indexes are PostgreSQL's (SQLite's FTS5 index: test_plans.py)")
    kit = make_tenant(store, "trigram")
    category = store.categories.list(kit.id)[0]["id"]
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO clients (tenant_id, id, uuid, workspace_id, category_id, name, email,"
            " phone, contact_person, status, metadata, created_at, updated_at)"
            " SELECT %(tenant)s, n, gen_random_uuid(), %(workspace)s, %(category)s,"
            " 'Client ' || n, 'c' || n || '@example.com', '+1 555 ' || n, 'Person ' || n,"
            " 'active', '{}', now(), now() FROM generate_series(1, 50000) AS n",
            {"tenant": kit.id, "workspace": kit.workspace["id"], "category": category})
        conn.exec_driver_sql("ANALYZE clients")
    for fields in (("name",), ("name", "phone"), ("name", "email", "contact_person")):
        query = ClientQuery(search="ent 4242", search_fields=fields)
        statement = sa.select(m.clients.c.id).where(*scope_terms(False), *conditions(query))
        sql = str(statement.compile(dialect=store.engine.dialect))
        with store.engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = "\n".join(row[0] for row in conn.exec_driver_sql(
                f"EXPLAIN {sql}", {"tenant_id": kit.id, "pattern": "%ent 4242%"}))
        for field in fields:
            assert f"ix_clients_search_{field}" in plan, plan


def test_migrate_twice_is_a_no_op(store):
    migrate.upgrade(store.engine)
    assert migrate.current(store.engine) == migrate.head()


def test_a_new_tenant_has_a_default_workspace_and_category(store):
    tenant = store.tenants.create("fresh-tenant-x", workspace_slug="hq")
    workspaces = store.workspaces.list(tenant["id"])
    assert [(w["slug"], w["is_default"]) for w in workspaces] == [("hq", True)]
    assert [(c["name"], c["is_default"]) for c in store.categories.list(tenant["id"])] == [
        ("Default", True)]
    with pytest.raises(Conflict):
        store.tenants.create("fresh-tenant-x")


@pytest.mark.parametrize("slug", ["", "UPPER", "-lead", "trail-", "sp ace", "a" * 101, "x\x00"])
def test_bad_slugs_are_refused(store, tenant, slug):
    with pytest.raises(Invalid):
        store.workspaces.create(tenant.id, slug)


def test_workspace_slugs_are_unique_within_a_tenant_only(store, tenant, other_tenant):
    with pytest.raises(Conflict):
        store.workspaces.create(tenant.id, "other")
    assert store.workspaces.find(Scope(other_tenant.id), slug="other")["tenant_id"] == other_tenant.id


def test_workspace_find_respects_the_scope(store, tenant, other_tenant):
    limited = Scope(tenant.id, tenant.workspace["id"])
    assert store.workspaces.find(limited, slug="main")["id"] == tenant.workspace["id"]
    for scope, slug in ((limited, "other"), (Scope(other_tenant.id), "nope"),
                        (Scope(tenant.id), "../x")):
        with pytest.raises(NotFound):
            store.workspaces.find(scope, slug=slug)


def test_keys_are_stored_hashed_and_resolve_until_revoked(store, tenant):
    record, secret = store.keys.create(tenant.id, workspace_id=tenant.workspace["id"], name="ci")
    assert secret.startswith("cg_") and len(secret) > 40
    assert record["prefix"] == secret[:11]
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(m.api_keys).where(m.api_keys.c.id == record["id"])).one()
    assert row.key_hash == hash_key(secret) and secret not in row._mapping.values()
    principal = store.keys.resolve(secret)
    assert (principal.tenant_id, principal.workspace_id) == (tenant.id, tenant.workspace["id"])
    assert principal.scope == Scope(tenant.id, tenant.workspace["id"])
    store.keys.revoke(record["id"])
    assert store.keys.resolve(secret) is None
    assert store.keys.list(tenant.id)[-1]["revoked_at"] is not None


@pytest.mark.parametrize("presented", ["", "cg_unknown", "x" * 10_000, "\x00"])
def test_unknown_keys_resolve_to_nothing(store, presented):
    assert store.keys.resolve(presented) is None


def test_keys_for_unknown_tenants_or_foreign_workspaces_are_refused(store, tenant, other_tenant):
    with pytest.raises(NotFound):
        store.keys.create(10**12)
    foreign = store.workspaces.create(other_tenant.id, "second")["id"]
    with pytest.raises(NotFound):
        store.keys.create(tenant.id, workspace_id=foreign)


def test_each_test_tenant_is_isolated(store):
    a, b = make_tenant(store), make_tenant(store)
    assert a.id != b.id
    assert {w["tenant_id"] for w in store.workspaces.list(a.id)} == {a.id}
    assert {w["tenant_id"] for w in store.workspaces.list(b.id)} == {b.id}
