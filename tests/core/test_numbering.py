"""Per-tenant ids (``core.numbering``): an id taken alone commits by itself, and on PostgreSQL
without waiting for its WAL flush, which must stay that statement's own: the rows that hold the
id, and every other write, still commit durably."""

from __future__ import annotations

import uuid as uuidlib
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from core import models as m
from core import numbering
from tests.conftest import make_tenant


def _setting(s) -> str:
    return s.scalar(("test.synchronous_commit",),
                    lambda: sa.select(sa.func.current_setting("synchronous_commit")), {})


def _insert(s, tenant, client_id: int, name: str) -> None:
    stamp = datetime.now(UTC)
    category = tenant.store.categories.list(tenant.id)[0]["id"]
    s.insert(m.clients, {
        "tenant_id": tenant.id, "id": client_id, "uuid": str(uuidlib.uuid4()),
        "workspace_id": tenant.workspace["id"], "category_id": category, "name": name,
        "status": "active", "metadata": {}, "created_at": stamp, "updated_at": stamp})


def _counter(store, tenant_id: int) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(m.tenants.c.next_client_id)
                            .where(m.tenants.c.id == tenant_id)).scalar_one()


@pytest.fixture
def postgresql(backend):
    if backend != "postgresql":
        pytest.skip("the WAL flush setting is PostgreSQL's (SQLite takes ids in its transaction)")


def test_an_id_taken_alone_is_committed_before_the_session_ends(store, backend):
    tenant = make_tenant(store)
    before = _counter(store, tenant.id)
    with store.db.write() as s:
        first = numbering.take(s, tenant.id, "client", alone=True)
        second = numbering.take(s, tenant.id, "client", 2, alone=True)
        moved = _counter(store, tenant.id)
    assert (first, second) == (before, before + 1)
    # PostgreSQL: seen from another connection at once; SQLite: part of the write, as every id.
    assert moved == (before + 3 if backend == "postgresql" else before)
    assert _counter(store, tenant.id) == before + 3


def test_the_commit_of_the_rows_holding_an_id_waits_for_the_flush(store, postgresql):
    """The id's own statement commits without waiting; the transaction that follows, which
    writes the row holding the id, runs with the server's setting (``on``) again."""
    tenant = make_tenant(store)
    with store.db.write() as s:
        assert _setting(s) == "on"
        taken = numbering.take(s, tenant.id, "client", alone=True)
        assert _setting(s) == "on"
        _insert(s, tenant, taken, "held")
        assert _setting(s) == "on"
    with store.db.write() as s:  # the pooled connection is left as it was found
        assert _setting(s) == "on"


def test_an_id_taken_inside_a_transaction_leaves_its_commit_durable(store, postgresql):
    """Once the session has written, ``alone`` means part of the transaction (an import's ids,
    an owner's after the client): nothing in it may commit without waiting for the flush."""
    tenant = make_tenant(store)
    with store.db.write() as s:
        first = numbering.take(s, tenant.id, "client", alone=True)
        _insert(s, tenant, first, "first")
        second = numbering.take(s, tenant.id, "client", alone=True)
        assert _setting(s) == "on"
        _insert(s, tenant, second, "second")
        numbering.take(s, tenant.id, "client")
        assert _setting(s) == "on"
    assert second == first + 1
