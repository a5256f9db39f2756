"""The kept counts (``client_counts``) on SQLite and PostgreSQL: whatever path changes clients,
they equal a count of the clients themselves, and a list's total read from them is the count."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core import models as m
from core.incoming import Incoming
from core.queries import ClientQuery
from core.scope import Scope
from tests.conftest import make_tenant

c, k = m.clients.c, m.client_counts.c
GROUP = (c.tenant_id, c.workspace_id, c.category_id, c.status)


def kept(store, tenant_id: int) -> dict[tuple, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(k.workspace_id, k.category_id, k.status, k.clients)
                            .where(k.tenant_id == tenant_id)).all()
    return {tuple(r[:3]): r[3] for r in rows}


def counted(store, tenant_id: int) -> dict[tuple, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(*GROUP[1:], sa.func.count()).where(c.tenant_id == tenant_id)
                            .group_by(*GROUP[1:])).all()
    return {tuple(r[:3]): r[3] for r in rows}


def assert_kept(store, *tenant_ids: int) -> None:
    for tenant_id in tenant_ids:
        assert kept(store, tenant_id) == counted(store, tenant_id)


def test_every_write_path_keeps_the_counts(store):
    tenant, other = make_tenant(store), make_tenant(store)
    scope = Scope(tenant.id)
    vip = store.categories.create(tenant.id, "VIP")
    made = [store.clients.create(scope, {"name": f"C{i}", "status": "inactive" if i % 3 else
                                         "active", "workspace_id": tenant.other_workspace["id"]
                                         if i % 2 else tenant.workspace["id"]})
            for i in range(12)]
    store.clients.create(Scope(other.id), {"name": "elsewhere"})
    assert_kept(store, tenant.id, other.id)

    store.clients.set_status(scope, "active", id=made[1]["id"])  # moves a group
    store.clients.update(scope, id=made[2]["id"], values={"category_id": vip["id"]})
    store.clients.update(scope, id=made[3]["id"], values={"name": "renamed"})  # moves none
    store.clients.delete(scope, id=made[4]["id"])
    assert_kept(store, tenant.id, other.id)

    stamp = datetime.now(UTC)
    store.imports.bulk(tenant.id, (  # one multi-row insert a batch, then updates in place
        Incoming({"name": f"I{i}", "status": "inactive" if i % 4 else "active",
                  "workspace_id": tenant.workspace["id"], "category_id": vip["id"],
                  "created_at": stamp, "updated_at": stamp}, id=1000 + i)
        for i in range(45)), batch=20)
    store.imports.bulk(tenant.id, (
        Incoming({"name": f"I{i}", "status": "active", "workspace_id": tenant.workspace["id"],
                  "category_id": vip["id"], "created_at": stamp, "updated_at": stamp},
                 id=1000 + i)
        for i in range(0, 45, 2)), batch=20)
    assert_kept(store, tenant.id, other.id)

    store.categories.delete(tenant.id, vip["id"])  # its clients move to the default category
    assert_kept(store, tenant.id, other.id)
    assert not any(category == vip["id"] for _, category, _ in kept(store, tenant.id))

    store.tenants.delete(tenant.id, with_clients=True)
    assert kept(store, tenant.id) == {}
    assert_kept(store, other.id)


def test_an_emptied_group_is_removed(store):
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    one = store.clients.create(scope, {"name": "only", "status": "inactive"})
    store.clients.set_status(scope, "active", id=one["id"])
    assert [status for _, _, status in kept(store, tenant.id)] == ["active"]
    store.clients.delete(scope, id=one["id"])
    assert kept(store, tenant.id) == {}


@pytest.mark.parametrize("seed", range(3))
def test_totals_from_the_counts_are_the_counts_of_the_clients(store, seed):
    """Random clients, random changes; every list total the kept counts give (workspace,
    status, category, the scope's workspace) equals counting the clients."""
    rng = random.Random(seed)
    tenant = make_tenant(store)
    categories = [None, store.categories.create(tenant.id, "B")["id"]]
    workspaces = [tenant.workspace["id"], tenant.other_workspace["id"]]
    rows = [store.clients.create(Scope(tenant.id), {
        "name": f"R{i}", "status": rng.choice(["active", "inactive"]),
        "workspace_id": rng.choice(workspaces),
        **({"category_id": cat} if (cat := rng.choice(categories)) else {})})
        for i in range(60)]
    for row in rng.sample(rows, 15):
        store.clients.delete(Scope(tenant.id), id=row["id"])
        rows.remove(row)
    for row in rng.sample(rows, 15):
        store.clients.set_status(Scope(tenant.id), rng.choice(["active", "inactive"]),
                                 id=row["id"])
    for limit_to in (None, *workspaces):
        scope = Scope(tenant.id, limit_to)
        for workspace in (None, *workspaces) if limit_to is None else (None, limit_to):
            for statuses in ((), ("active",), ("inactive",), ("active", "inactive")):
                for category in (None, categories[1]):
                    query = ClientQuery(workspace_id=workspace, statuses=statuses,
                                        category_id=category, limit=1)
                    page = store.clients.list(scope, query)
                    expected = len(list(_all(store, scope, query)))
                    assert page.total == expected, (limit_to, workspace, statuses, category)


def _all(store, scope, query):
    for batch in store.clients.stream(scope, ClientQuery(
            workspace_id=query.workspace_id, statuses=query.statuses,
            category_id=query.category_id, limit=None, with_total=False)):
        yield from batch


def test_a_list_total_reads_the_counts_not_the_clients(store):
    """A total the kept counts answer is read from them: a count left wrong on purpose shows
    in the total (and a search, which they cannot answer, still counts the clients)."""
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    for i in range(3):
        store.clients.create(scope, {"name": f"N{i}"})
    with store.engine.begin() as conn:
        conn.execute(m.client_counts.update().where(k.tenant_id == tenant.id)
                     .values(clients=k.clients + 40))
    assert store.clients.list(scope, ClientQuery(limit=1)).total == 43
    assert store.clients.list(scope, ClientQuery(limit=1, search="n")).total == 3
