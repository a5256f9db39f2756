"""Durability under kill -9: a gateway process killed while clients write loses no write it
acknowledged, on SQLite (both ``synchronous`` settings) and PostgreSQL. Bounded: three rounds of
under a second of load each."""

from __future__ import annotations

import threading
import time

import httpx2 as httpx
import pytest
import sqlalchemy as sa

from core import models as m
from tests.conftest import make_tenant

from .process import GatewayProcess

pytestmark = pytest.mark.faults
ROUNDS = 3
WRITERS = 4


def load(url: str, headers: dict[str, str], workspace: int, stop: threading.Event,
         acknowledged: list[tuple[int, str]]) -> None:
    with httpx.Client(base_url=url, headers=headers, timeout=5) as http:
        n = 0
        while not stop.is_set():
            title = f"w{threading.get_ident()}-{n}"
            n += 1
            try:
                r = http.post("/outlign/api/v1/clients",
                              json={"title": title, "company_id": workspace})
            except httpx.TransportError:
                return  # the server died under this request: not acknowledged
            if r.status_code == 201:
                acknowledged.append((r.json()["id"], title))


@pytest.mark.parametrize("synchronous", ["normal", "full"])
def test_no_acknowledged_write_is_lost_when_the_process_is_killed(backend, database_url, store,
                                                                 synchronous):
    if backend != "sqlite" and synchronous != "normal":
        pytest.skip("synchronous is SQLite's")
    kit = make_tenant(store, "crash")
    acknowledged: list[tuple[int, str]] = []
    for _ in range(ROUNDS):
        gw = GatewayProcess(database_url, sqlite_synchronous=synchronous).start()
        stop = threading.Event()
        writers = [threading.Thread(target=load, args=(gw.url, kit.headers, kit.workspace["id"],
                                                       stop, acknowledged))
                   for _ in range(WRITERS)]
        for w in writers:
            w.start()
        time.sleep(0.7)
        gw.kill()
        stop.set()
        for w in writers:
            w.join(10)
    assert len(acknowledged) > 50, "too little load to mean anything"
    with store.engine.connect() as conn:
        stored = dict(conn.execute(sa.select(m.clients.c.id, m.clients.c.name)
                                   .where(m.clients.c.tenant_id == kit.id)).all())
    lost = [(i, t) for i, t in acknowledged if stored.get(i) != t]
    assert lost == []


@pytest.mark.parametrize(("setting", "pragma"), [("normal", 1), ("full", 2)])
def test_the_synchronous_setting_reaches_every_sqlite_connection(tmp_path, setting, pragma):
    from core.store import Store

    store = Store.from_url(f"sqlite:///{tmp_path}/{setting}.db", synchronous=setting)
    try:
        with store.db.read() as s:  # the store's own per-thread connection
            assert s.raw.execute("PRAGMA synchronous").fetchone()[0] == pragma
        with store.engine.connect() as conn:  # the engine's pool (migrations, readiness)
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == pragma
    finally:
        store.dispose()
