"""Migrations, tenants, workspaces and API keys on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from core import migrate
from core import models as m
from core.errors import Conflict, Invalid, NotFound
from core.keys import hash_key
from core.scope import Scope
from tests.conftest import make_tenant


def test_migrations_build_exactly_the_models(store):
    assert migrate.is_current(store.engine)
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, m.metadata) == []


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
