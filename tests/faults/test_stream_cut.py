"""A streamed list that fails after it started is visibly broken to the client (the connection
ends without the body's end: no clean short answer), and the gateway logs it once. A client that
hangs up half-way is no error, and leaves no read of the database behind."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx2 as httpx
import pytest

from core.db import normalize_url
from core.incoming import Incoming
from core.streaming import AT_ONCE, SPARE_SHARE
from tests.conftest import make_tenant

from .process import GatewayProcess
from .proxy import FaultProxy
from .slow import hang_up_after

pytestmark = pytest.mark.faults


def workspace_of(store, kit, size: int) -> list[str]:
    """``size`` clients in ``kit``'s workspace, one import; their names in id order."""
    stamp = datetime.now(UTC)
    category = store.categories.list(kit.id)[0]["id"]
    names = [f"Client {i}" for i in range(size)]
    store.imports.bulk(kit.id, (
        Incoming({"workspace_id": kit.workspace["id"], "category_id": category,
                  "name": name, "created_at": stamp, "updated_at": stamp})
        for name in names))
    return names


def test_a_client_that_hangs_up_mid_stream_leaves_no_read_behind(backend, database_url, store,
                                                                 tmp_path):
    """The batches read ahead when the client goes are let go: nothing is logged, and their
    connections come back. The pool is large enough for a stream to read ``AT_ONCE`` batches
    at once (its spares are a quarter of it) and smaller than three hang-ups' reads, so
    connections kept would stall the next stream."""
    kit = make_tenant(store, "gone")
    names = workspace_of(store, kit, 20_000)
    log = tmp_path / "gateway.log"
    path = "/gitscrum/contact-companies/clients?company_slug=main"
    pool = SPARE_SHARE * (AT_ONCE[backend] - 1) or 1  # PostgreSQL: 8, three hang-ups read 9
    with GatewayProcess(database_url, log=log, pool_size=pool, db_call_timeout=5) as gw:
        for _ in range(3):
            assert hang_up_after(gw.url, path, kit.headers, received=100_000) >= 100_000
        r = httpx.get(gw.url + path, headers=kit.headers, timeout=30)
        assert r.status_code == 200
        assert [c["name"] for c in r.json()["data"]] == names
    text = log.read_text()
    assert "Traceback" not in text and "never retrieved" not in text, text


def test_a_stream_cut_by_the_database_is_broken_for_the_client(backend, database_url, store,
                                                              tmp_path):
    if backend != "postgresql":
        pytest.skip("a network between the gateway and its database is PostgreSQL's")
    kit = make_tenant(store, "cut")
    workspace_of(store, kit, 20_000)
    url = normalize_url(database_url)
    log = tmp_path / "gateway.log"
    with FaultProxy((url.host, url.port or 5432)) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        with GatewayProcess(proxied, log=log, db_call_timeout=2, db_statement_timeout=1) as gw, \
                httpx.Client(timeout=30) as http, \
                http.stream("GET", f"{gw.url}/gitscrum/contact-companies/clients",
                            params={"company_slug": "main"}, headers=kit.headers) as r:
            assert r.status_code == 200
            chunks = r.iter_raw()
            assert next(chunks).startswith(b'{"data":[')
            proxy.drop()
            with pytest.raises(httpx.RemoteProtocolError):
                for _ in chunks:
                    pass
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    cut = [line for line in lines if "response cut off after it started" in line]
    assert len(cut) == 1 and "database unavailable" in cut[0], lines
    assert not [line for line in lines if "without completing response" in line], lines
    assert "Traceback" not in log.read_text()
