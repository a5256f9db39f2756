"""What a create looks up before it writes (``core.lookups``): found together, on PostgreSQL in
one round trip, and refused exactly as when each was looked up alone, in the same order."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import models as m
from core.errors import Invalid
from core.lookups import Lookup, find, known
from core.scope import Scope
from tests.conftest import count_clients, make_tenant

NO_SUCH_ID = 987_654


def _refusal(store, scope, values) -> dict:
    with pytest.raises(Invalid) as caught:
        store.clients.create(scope, {"name": "refused", **values})
    return caught.value.errors


def test_a_create_refuses_its_workspace_before_its_category(store):
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    category = store.categories.list(tenant.id)[0]["id"]
    unknown_workspace = {"workspace_id": ["unknown"]}
    # (A value no id can be, such as "bad", is refused before anything is looked up.)
    assert _refusal(store, scope, {"workspace_id": NO_SUCH_ID,
                                   "category_id": NO_SUCH_ID}) == unknown_workspace
    assert _refusal(store, scope, {"workspace_id": tenant.workspace["id"],
                                   "category_id": NO_SUCH_ID}) == {"category_id": ["unknown"]}
    limited = Scope(tenant.id, workspace_id=tenant.workspace["id"])
    assert _refusal(store, limited, {"workspace_id": tenant.other_workspace["id"],
                                     "category_id": NO_SUCH_ID}) == unknown_workspace
    assert _refusal(store, limited, {"category_id": NO_SUCH_ID}) == {"category_id": ["unknown"]}
    assert count_clients(store, tenant.id) == 0
    other = tenant.other_workspace["id"]
    made = store.clients.create(scope, {"name": "placed", "workspace_id": other,
                                        "category_id": category})
    assert (made["workspace_id"], made["category_id"]) == (other, category)


def test_lookups_found_together_are_what_each_finds_alone(store):
    tenant = make_tenant(store)
    w = m.workspaces.c

    def slug_of(workspace_id: int) -> Lookup:
        return Lookup(("test.slug",),
                      lambda: sa.select(w.slug).where(w.tenant_id == sa.bindparam("tenant_id"),
                                                      w.id == sa.bindparam("id")),
                      {"tenant_id": tenant.id, "id": workspace_id})

    asked = [slug_of(tenant.workspace["id"]), known(7), slug_of(NO_SUCH_ID),
             slug_of(tenant.other_workspace["id"])]
    with store.db.read() as s:
        together = find(s, *asked)
        alone = [find(s, q)[0] for q in asked]
    assert together == alone == ["main", 7, None, "other"]


def test_found_together_means_reads_only(store, backend):
    if backend != "postgresql":
        pytest.skip("SQLite reads one by one: nothing is sent together")
    tenant = make_tenant(store)
    t = m.tenants.c
    write = Lookup(("test.write",), lambda: m.tenants.update().where(
        t.id == sa.bindparam("id")).values(name=t.name).returning(t.id), {"id": tenant.id})
    with store.db.read() as s, pytest.raises(ValueError):
        find(s, write, write)
