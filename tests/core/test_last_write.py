"""A session's last write (``Session.last_write``), the statement a create with nothing but its
row ends with: on PostgreSQL its BEGIN, the statement and COMMIT go together, held to the time
the call has left; elsewhere it is a statement of the transaction the session's owner ends."""

from __future__ import annotations

import time
import uuid as uuidlib
from datetime import UTC, datetime

import pytest

from core import numbering
from core.client_rows import insert
from core.errors import Unavailable
from core.projection import Projection
from core.scope import Scope
from tests.conftest import count_clients, make_tenant
from tests.faults.locks import write_lock

SHOWN = Projection("name", "category_name", "tags", "custom_fields", "owner_id")


def _row(tenant, client_id: int, name: str) -> dict:
    stamp = datetime.now(UTC)
    return {"tenant_id": tenant.id, "id": client_id, "uuid": str(uuidlib.uuid4()),
            "workspace_id": tenant.workspace["id"],
            "category_id": tenant.store.categories.list(tenant.id)[0]["id"], "name": name,
            "status": "active", "metadata": {}, "created_at": stamp, "updated_at": stamp}


def test_the_inserted_row_reads_as_the_projection_reads_it(store):
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    with store.db.write() as s:
        taken = numbering.take(s, tenant.id, "client", alone=True)
        shown = insert(s, scope, _row(tenant, taken, "Acme"), SHOWN)
    assert shown == store.clients.get(scope, id=taken, projection=SHOWN)
    assert shown["tags"] == [] and shown["custom_fields"] == {} and shown["owner_id"] is None


def test_on_postgresql_it_is_committed_when_it_returns(store, backend):
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    with store.db.write() as s:
        taken = numbering.take(s, tenant.id, "client", alone=True)
        insert(s, scope, _row(tenant, taken, "Acme"), SHOWN)
        seen = count_clients(store, tenant.id)  # from another connection
        if backend == "postgresql":
            with pytest.raises(RuntimeError):  # nothing may be written after it
                numbering.take(s, tenant.id, "client")
    assert seen == (1 if backend == "postgresql" else 0)
    assert count_clients(store, tenant.id) == 1


def test_a_refused_last_write_writes_nothing_and_the_connection_goes_on(store):
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    with store.db.write() as s:
        taken = numbering.take(s, tenant.id, "client", alone=True)
        insert(s, scope, _row(tenant, taken, "first"), SHOWN)
    for _ in range(3):  # more than the pool lends at once: every connection is tried
        with pytest.raises(store.db.dialect.dbapi.IntegrityError), store.db.write() as s:
            insert(s, scope, _row(tenant, taken, "same id"), SHOWN)
    assert count_clients(store, tenant.id) == 1
    created = store.clients.create(scope, {"name": "after"})
    assert created["id"] == taken + 1 and count_clients(store, tenant.id) == 2


def test_a_last_write_that_would_end_past_its_deadline_writes_nothing(store, backend,
                                                                      database_url):
    """The server cancels the statement at the call's deadline (its ``statement_timeout``):
    a row that waited on a lock past it is not written once the lock goes."""
    if backend != "postgresql":
        pytest.skip("SQLite's session commits in Statements.write, after the deadline check")
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    with write_lock(database_url):
        started = time.monotonic()
        with pytest.raises(Unavailable), store.db.deadline(started + 0.5), \
                store.db.write() as s:
            taken = numbering.take(s, tenant.id, "client", alone=True)
            insert(s, scope, _row(tenant, taken, "too late"), SHOWN)
        took = time.monotonic() - started
    assert 0.4 < took < 3
    assert count_clients(store, tenant.id) == 0
