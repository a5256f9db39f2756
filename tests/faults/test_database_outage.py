"""A PostgreSQL that stalls, goes away or restarts: every dialect answers 503 with Retry-After in
its own body within the call timeout, ``/readyz`` answers 503 within its timeout, each failure is
one log line without a traceback, and service comes back by itself when the database does. The
gateway reaches PostgreSQL through ``FaultProxy``."""

from __future__ import annotations

import time
from pathlib import Path

import httpx2 as httpx
import pytest

from core.db import normalize_url
from tests.conformance.vendors import VENDORS
from tests.conftest import count_clients, make_tenant

from .locks import write_lock
from .process import GatewayProcess
from .proxy import FaultProxy

CALL_TIMEOUT = 2.0
READINESS_TIMEOUT = 1.0
SERVICE_UNAVAILABLE = {
    "outlign": {"message": "Service Unavailable"},
    "growcrm": {"message": "Service Unavailable"},
    "gitscrum": {"error": "Service Unavailable", "message": "Service Unavailable",
                 "error_code": "SERVICE_UNAVAILABLE"},
    "fullengage": {"error": "Service unavailable"},
}


def service_unavailable(name: str, retry_after: int) -> dict:
    """The dialect's 503 body; Talynce's envelope names the seconds to wait too."""
    if name == "talynce":
        return {"error": {"code": "service_unavailable", "message": "Service unavailable",
                          "details": {"retry_after": retry_after}}}
    return SERVICE_UNAVAILABLE[name]

pytestmark = pytest.mark.faults


@pytest.fixture
def outage(backend, database_url, store, tmp_path):
    if backend != "postgresql":
        pytest.skip("a network between the gateway and its database is PostgreSQL's")
    url = normalize_url(database_url)
    kit = make_tenant(store, "outage")
    log = tmp_path / "gateway.log"
    with FaultProxy((url.host, url.port or 5432)) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        with GatewayProcess(proxied, log=log, db_call_timeout=CALL_TIMEOUT,
                            readiness_timeout=READINESS_TIMEOUT, db_statement_timeout=1,
                            db_pool_timeout=1, db_connect_timeout=2, pool_size=2) as gw:
            with httpx.Client(base_url=gw.url, headers=kit.headers, timeout=30) as http:
                yield proxy, http, log


def list_path(name: str) -> str:
    return f"/{name}{VENDORS[name].list_route}"


def answers_503(http: httpx.Client, name: str) -> float:
    started = time.monotonic()
    r = http.get(list_path(name), params={"company_slug": "main"})
    took = time.monotonic() - started
    assert r.status_code == 503, r.text
    assert int(r.headers["retry-after"]) >= 1
    assert r.json() == service_unavailable(name, int(r.headers["retry-after"]))
    return took


def serves(http: httpx.Client, name: str, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while True:
        r = http.get(list_path(name), params={"company_slug": "main"})
        if r.status_code == 200:
            return
        assert time.monotonic() < deadline, f"did not recover: {r.status_code} {r.text}"
        time.sleep(0.2)


def test_every_dialect_has_its_503_body():
    assert set(SERVICE_UNAVAILABLE) | {"talynce"} == set(VENDORS)


@pytest.mark.parametrize("fault", ["stall", "drop", "reset"])
def test_an_outage_is_a_503_within_the_timeout_and_service_comes_back(outage, fault):
    proxy, http, log = outage
    for name in SERVICE_UNAVAILABLE:
        serves(http, name)
    getattr(proxy, fault)()
    if fault == "reset":
        proxy.drop()  # and the server stays away while it restarts

    for name in SERVICE_UNAVAILABLE:
        assert answers_503(http, name) < CALL_TIMEOUT + 1.0
    started = time.monotonic()
    ready = http.get("/readyz")
    assert ready.status_code == 503 and ready.json()["reason"] == "database unreachable"
    assert time.monotonic() - started < READINESS_TIMEOUT + 1.0
    assert http.get("/healthz").status_code == 200

    proxy.heal()
    for name in SERVICE_UNAVAILABLE:
        serves(http, name)
    assert http.get("/readyz").status_code == 200
    text = Path(log).read_text()
    assert "Traceback" not in text, text[-3000:]
    assert text.count("database unavailable") >= len(SERVICE_UNAVAILABLE)


def test_a_write_locked_out_past_the_timeout_is_a_503_and_writes_nothing(database_url, store,
                                                                        tmp_path):
    kit = make_tenant(store, "locked")
    body = {"title": "Locked out", "company_id": kit.workspace["id"]}
    log = tmp_path / "gateway.log"
    with GatewayProcess(database_url, log=log, db_call_timeout=1, db_statement_timeout=5) as gw, \
            httpx.Client(base_url=gw.url, headers=kit.headers, timeout=30) as http:
        with write_lock(database_url):
            started = time.monotonic()
            r = http.post("/outlign/api/v1/clients", json=body)
            took = time.monotonic() - started
        assert (r.status_code, r.json()) == (503, SERVICE_UNAVAILABLE["outlign"])
        assert took < 2.0 and r.headers["retry-after"]
        assert http.post("/outlign/api/v1/clients", json=body).status_code == 201
        time.sleep(1.0)  # the abandoned attempt got the lock in the end: it must not commit
    assert "Traceback" not in log.read_text()
    assert count_clients(store, kit.id) == 1
