"""Bounded calls on SQLite (``Statements.within``): a call cut short by its budget leaves its
thread's connection as it found it, with no transaction open, wherever the cut fell. (A BEGIN
cut short after it had opened the transaction, or a rollback cut short, left the event loop's
connection inside a transaction: every later write on it failed with a 500.)"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import sqlalchemy as sa

from core import models as m
from core.queries import ClientQuery
from core.scope import Scope
from core.sql import OVERRUN
from tests.conftest import count_clients, make_tenant


@pytest.fixture
def sqlite(backend):
    if backend != "sqlite":
        pytest.skip("bounded calls are SQLite's (PostgreSQL calls run in threads)")


def out_of_time_at(store, at: int):
    """This thread's connection, set for bounded calls, whose progress handler then behaves as
    if the call's budget ran out at its ``at``-th call (a call a virtual-machine step): from
    then on it interrupts whatever the call runs, as ``Session.overdue`` does once the deadline
    has passed. Returns the thread's session."""
    assert store.db.within(5.0, lambda: None) is None
    session = store.db._held().session
    calls = itertools.count(1)
    session.raw.set_progress_handler(
        lambda: 1 if next(calls) >= at and session.deadline is not None else 0, 1)
    return session


def restore(store, session) -> None:
    """The handler as ``within`` installs it, and no statement shape remembered as slow."""
    session.raw.set_progress_handler(session.overdue, 1000)
    store.db.slow.clear()


# A BEGIN interrupted at its third step has already opened the transaction (SQLite 3.40); later
# steps fall in the create's statements, and the rollback that follows must not be cut short.
@pytest.mark.parametrize("at", [1, 2, 3, 4, 5, 10, 20, 40, 80, 160])
def test_a_write_cut_short_anywhere_leaves_no_transaction(store, sqlite, at):
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    session = out_of_time_at(store, at)
    assert store.db.within(5.0, store.clients.create, scope, {"name": "cut"}) is OVERRUN
    assert not session.raw.in_transaction
    assert count_clients(store, tenant.id) == 0
    restore(store, session)
    made = store.db.within(5.0, store.clients.create, scope, {"name": "whole"})
    assert made["name"] == "whole" and count_clients(store, tenant.id) == 1
    assert not session.raw.in_transaction


@pytest.mark.parametrize("at", [1, 2, 3, 4, 5, 10, 20])
def test_reads_cut_short_in_their_begin_leave_no_transaction(store, sqlite, at):
    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    store.clients.create(scope, {"name": "there"})

    def agreeing_reads() -> int:
        with store.db.snapshot() as s:  # its BEGIN is where the cut falls
            return s.scalar(("test.count",), lambda: sa.select(sa.func.count()).select_from(
                m.clients).where(m.clients.c.tenant_id == sa.bindparam("tenant_id")),
                {"tenant_id": tenant.id})

    session = out_of_time_at(store, at)
    store.db.within(5.0, agreeing_reads)  # cut short or not, depending on where ``at`` fell
    assert not session.raw.in_transaction
    restore(store, session)
    assert store.db.within(5.0, agreeing_reads) == 1
    assert store.db.within(5.0, store.clients.create, scope, {"name": "after"})["id"]
    assert store.clients.list(scope, ClientQuery(limit=1)).total == 2


def test_writers_of_one_process_take_turns(store, sqlite, monkeypatch):
    """Another thread's write holds the turn: a bounded write gives up at once, writing nothing
    (``OVERRUN``); an unbounded one waits for the turn and writes once it is free, or is
    ``Unavailable`` when it stays taken past the busy timeout."""
    import threading

    from core import sql
    from core.errors import Unavailable

    tenant = make_tenant(store)
    scope = Scope(tenant.id)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.db.write():
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        assert store.db.within(5.0, store.clients.create, scope, {"name": "bounded"}) is OVERRUN
        monkeypatch.setattr(sql, "SQLITE_BUSY_TIMEOUT_MS", 200)
        with pytest.raises(Unavailable, match="no turn to write"):
            store.clients.create(scope, {"name": "gave up"})
        monkeypatch.undo()
        waited: list = []
        waiter = threading.Thread(
            target=lambda: waited.append(store.clients.create(scope, {"name": "waited"})))
        waiter.start()
        waiter.join(0.3)
        assert waiter.is_alive() and not waited  # waiting for the turn
        release.set()
        waiter.join(10)
        assert [c["name"] for c in waited] == ["waited"]
    finally:
        release.set()
        holder.join(10)
    assert count_clients(store, tenant.id) == 1


#: Run by ``test_closing_the_store_under_a_running_read_leaves_it_to_finish``, in a process of its
#: own (what it guards against is a crash): a thread reads, and the store is closed under it.
CLOSED_UNDER_A_READ = """
import sys, threading, time
from core.queries import ClientQuery
from core.scope import Scope
from core.store import Store

store = Store.from_url(sys.argv[1], pool_size=1)
scope = Scope(int(sys.argv[2]))
every_row = ClientQuery(search="zz", search_fields=("name", "email", "contact_person"), limit=5)
ready, found = threading.Event(), []

def read():
    store.clients.list(scope, ClientQuery(limit=1))  # its connection, opened
    ready.set()
    started = time.monotonic()
    found.append(store.clients.list(scope, every_row).total)
    found.append(time.monotonic() - started)

thread = threading.Thread(target=read)
thread.start()
ready.wait()
time.sleep(0.02)
store.dispose()
thread.join()
print(found[0], found[1])
"""


def test_closing_the_store_under_a_running_read_leaves_it_to_finish(store, sqlite, database_url):
    """A search no index answers (two letters: every client's folded values are matched, by
    ``cg_fold``) runs in a thread when the store is closed, as at a shutdown with a call that
    a timeout abandoned. Closing its connection then would free ``cg_fold`` under the running
    statement, a segmentation fault; the connection is closed when the read is done."""
    import subprocess
    import sys

    from core.incoming import Incoming

    kit = make_tenant(store, "closed under")
    category = store.categories.list(kit.id)[0]["id"]
    store.imports.bulk(kit.id, (
        Incoming({"workspace_id": kit.workspace["id"], "category_id": category,
                  "name": f"Client {i}", "email": f"c{i}@example.test",
                  "contact_person": f"Person {i}"}) for i in range(50_000)))
    run = subprocess.run([sys.executable, "-c", CLOSED_UNDER_A_READ, database_url, str(kit.id)],
                         capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[2])
    assert run.returncode == 0, (run.returncode, run.stderr[-2000:])
    total, seconds = run.stdout.split()
    assert int(total) == 0
    assert float(seconds) > 0.02  # it was still running when the store was closed
