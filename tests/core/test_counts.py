"""The kept counts (``client_counts``, and on PostgreSQL the changes appended to
``client_count_changes`` until they are folded in) on SQLite and PostgreSQL: whatever path
changes clients, they equal a count of the clients themselves, folded or not, and a list's total
read from them is the count."""

from __future__ import annotations

import random
import threading
import uuid as uuidlib
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core import models as m
from core import numbering
from core.incoming import Incoming
from core.queries import ClientQuery
from core.scope import Scope
from tests.conftest import make_tenant

c, k, d = m.clients.c, m.client_counts.c, m.client_count_changes.c
GROUP = (c.tenant_id, c.workspace_id, c.category_id, c.status)


def _groups(store, table, tenant_id: int) -> dict[tuple, int]:
    t = table.c
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.workspace_id, t.category_id, t.status, t.clients)
                            .where(t.tenant_id == tenant_id)).all()
    summed: dict[tuple, int] = {}
    for *group, clients in rows:
        summed[tuple(group)] = summed.get(tuple(group), 0) + clients
    return summed


def kept(store, tenant_id: int) -> dict[tuple, int]:
    """What the kept counts say each group holds: its row plus its changes not yet folded."""
    summed = _groups(store, m.client_counts, tenant_id)
    for group, change in _groups(store, m.client_count_changes, tenant_id).items():
        summed[group] = summed.get(group, 0) + change
    return {group: n for group, n in summed.items() if n}


def counted(store, tenant_id: int) -> dict[tuple, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(*GROUP[1:], sa.func.count()).where(c.tenant_id == tenant_id)
                            .group_by(*GROUP[1:])).all()
    return {tuple(r[:3]): r[3] for r in rows}


def assert_kept(store, *tenant_ids: int) -> None:
    """The counts are right before a fold and after it, and after it they are in
    ``client_counts`` alone, with no emptied group left."""
    for tenant_id in tenant_ids:
        assert kept(store, tenant_id) == counted(store, tenant_id)
    store.counts.fold()
    for tenant_id in tenant_ids:
        assert _groups(store, m.client_counts, tenant_id) == counted(store, tenant_id)
        assert _groups(store, m.client_count_changes, tenant_id) == {}


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
    store.counts.fold()  # a tenant's last changes go with the fold that finds it gone
    assert kept(store, tenant.id) == {}
    assert_kept(store, other.id)


def test_an_emptied_group_is_removed(store):
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    one = store.clients.create(scope, {"name": "only", "status": "inactive"})
    store.clients.set_status(scope, "active", id=one["id"])
    assert [status for _, _, status in kept(store, tenant.id)] == ["active"]
    store.counts.fold()
    assert [status for _, _, status in _groups(store, m.client_counts, tenant.id)] == ["active"]
    store.clients.delete(scope, id=one["id"])
    assert kept(store, tenant.id) == {}
    store.counts.fold()
    assert _groups(store, m.client_counts, tenant.id) == {}


def test_changes_are_appended_on_postgresql_and_applied_on_sqlite(store, backend):
    """PostgreSQL's triggers leave a group's row alone (no create waits on it); SQLite's, whose
    writes are serialised anyway, keep it directly and fold nothing."""
    tenant = make_tenant(store)
    store.counts.fold()
    store.clients.create(Scope(tenant.id), {"name": "appended"})
    appended = _groups(store, m.client_count_changes, tenant.id)
    assert appended == ({(tenant.workspace["id"], _default_category(store, tenant.id),
                          "active"): 1} if backend == "postgresql" else {})
    assert store.counts.folds is (backend == "postgresql")
    assert store.counts.fold() == (1 if backend == "postgresql" else 0)
    assert _groups(store, m.client_count_changes, tenant.id) == {}
    assert kept(store, tenant.id) == counted(store, tenant.id)


def _default_category(store, tenant_id: int) -> int:
    return store.categories.list(tenant_id)[0]["id"]


def test_a_sweep_leaves_no_deleted_change_for_totals_to_visit(store, backend):
    """The changes a fold deleted are vacuumed away by the sweep after it: the table's pages,
    which every total's scan of its index visits until then, are given back."""
    if backend != "postgresql":
        pytest.skip("SQLite's triggers append no changes")
    tenant = make_tenant(store)
    for i in range(300):
        store.clients.create(Scope(tenant.id), {"name": f"client {i}"})
    size = sa.text("SELECT pg_relation_size('client_count_changes')")
    with store.engine.connect() as conn:
        assert conn.execute(size).scalar_one() > 0
    store.counts.fold()
    store.counts.sweep()
    with store.engine.connect() as conn:
        assert conn.execute(size).scalar_one() == 0
    assert kept(store, tenant.id) == counted(store, tenant.id)


def test_a_fold_drops_the_changes_of_a_tenant_that_is_gone(store):
    tenant, other = make_tenant(store), make_tenant(store)
    for t in (tenant, other):
        store.clients.create(Scope(t.id), {"name": "one"})
    store.tenants.delete(tenant.id, with_clients=True)
    store.counts.fold()
    assert _groups(store, m.client_count_changes, tenant.id) == {}
    assert _groups(store, m.client_counts, tenant.id) == {}
    assert _groups(store, m.client_counts, other.id) == counted(store, other.id)


def test_totals_stay_exact_while_folds_run_beside_creates_and_deletes(store):
    """Writers in several threads, and folds between them: every total read on the way equals
    the clients counted in the same snapshot's terms, and the counts end exact."""
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    errors: list[BaseException] = []
    stop = threading.Event()

    def write(n: int) -> None:
        try:
            for i in range(15):
                made = store.clients.create(scope, {"name": f"W{n}-{i}"})
                if i % 3 == 0:
                    store.clients.delete(scope, id=made["id"])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def fold() -> None:
        while not stop.is_set():
            try:
                store.counts.fold()
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                return

    writers = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    folder = threading.Thread(target=fold)
    for thread in (*writers, folder):
        thread.start()
    for thread in writers:
        thread.join()
    stop.set()
    folder.join()
    assert errors == []
    assert store.clients.list(scope, ClientQuery(limit=1)).total == 3 * 10
    assert_kept(store, tenant.id)


def test_a_create_does_not_wait_for_another_in_the_same_group(store, backend):
    """A create's transaction holds neither the tenant's id counter nor its group's count while
    it runs: another create in the same tenant and group completes meanwhile. (On SQLite
    writes are serialised: the second waits for the first's commit, by design.)"""
    if backend != "postgresql":
        pytest.skip("SQLite serialises writes")
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    category = _default_category(store, tenant.id)
    stamp = datetime.now(UTC)
    done = threading.Event()
    second: list[dict] = []

    def create() -> None:
        second.append(store.clients.create(scope, {"name": "second"}))
        done.set()

    with store.db.write() as s:  # the first create, as far as its insert, left open
        first = numbering.take(s, tenant.id, "client", alone=True)
        s.insert(m.clients, {
            "tenant_id": tenant.id, "id": first, "uuid": str(uuidlib.uuid4()),
            "workspace_id": tenant.workspace["id"], "category_id": category, "name": "first",
            "status": "active", "metadata": {}, "created_at": stamp, "updated_at": stamp})
        thread = threading.Thread(target=create)
        thread.start()
        finished = done.wait(20)
    thread.join()
    assert finished, "the second create waited for the first to commit"
    assert second[0]["id"] == first + 1
    assert store.clients.list(scope, ClientQuery(limit=1)).total == 2


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
    store.counts.fold()
    with store.engine.begin() as conn:
        conn.execute(m.client_counts.update().where(k.tenant_id == tenant.id)
                     .values(clients=k.clients + 40))
    assert store.clients.list(scope, ClientQuery(limit=1)).total == 43
    assert store.clients.list(scope, ClientQuery(limit=1, search="n")).total == 3
