"""``/metrics``: what is counted, under which labels, and who may read it, on both backends.

Figures are read back through the Prometheus text parser, as a Prometheus server would.
"""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import make_tenant


def samples(client: TestClient, **headers: str) -> dict[tuple[str, tuple], float]:
    r = client.get("/metrics", headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=")
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(r.text) for s in family.samples}


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def gateway(database_url, store):
    """An app of its own (its own registry and pool), on the session's database."""
    with TestClient(create_app(Settings(database_url=database_url, key_cache_seconds=0))) as c:
        yield c


def test_requests_are_counted_by_route_template_method_and_status(gateway, store):
    kit = make_tenant(store, "metrics")
    created = gateway.post("/outlign/api/v1/clients", headers=kit.headers, json={
        "title": "Counted", "company_id": kit.workspace["id"]})
    assert created.status_code == 201
    client_id = created.json()["id"]
    for _ in range(3):
        assert gateway.get(f"/outlign/api/v1/clients/{client_id}",
                           headers=kit.headers).status_code == 200
    assert gateway.get("/outlign/api/v1/clients/999999", headers=kit.headers).status_code == 404
    assert gateway.get("/outlign/nowhere/at/all", headers=kit.headers).status_code == 404
    assert gateway.request("BREW", "/outlign/api/v1/clients",
                           headers=kit.headers).status_code == 405
    gateway.get("/healthz")

    found = samples(gateway)
    one = {"dialect": "outlign", "route": "/api/v1/clients/{id}", "method": "GET"}
    assert value(found, "clientgate_http_requests_total", **one, status="200") == 3
    assert value(found, "clientgate_http_requests_total", **one, status="404") == 1
    assert value(found, "clientgate_http_requests_total", dialect="outlign",
                 route="/api/v1/clients", method="POST", status="201") == 1
    assert value(found, "clientgate_http_requests_total", dialect="outlign", route="unmatched",
                 method="GET", status="404") == 1
    assert value(found, "clientgate_http_requests_total", dialect="outlign",
                 route="/api/v1/clients", method="OTHER", status="405") == 1
    assert value(found, "clientgate_http_requests_total", dialect="gateway", route="/healthz",
                 method="GET", status="200") == 1
    assert value(found, "clientgate_http_request_duration_seconds_count", **one) == 4
    assert 0 < value(found, "clientgate_http_request_duration_seconds_sum", **one) < 10
    assert value(found, "clientgate_http_requests_in_flight") == 1  # this scrape
    routes = {dict(labels)["route"] for _, labels in found if "route" in dict(labels)}
    assert routes == {"/api/v1/clients", "/api/v1/clients/{id}", "unmatched", "/healthz"}
    assert "BREW" not in gateway.get("/metrics").text  # never a raw path or method


def test_auth_failures_are_counted_by_reason(gateway, store):
    kit = make_tenant(store, "metrics-auth")
    gateway.get("/talynce/api/v1/clients")
    gateway.get("/talynce/api/v1/clients", headers={"Authorization": "Bearer cg_nothing"})
    gateway.get("/talynce/api/v1/clients", headers={"Authorization": "Bearer cg_nothing"})
    assert gateway.get("/talynce/api/v1/clients", headers=kit.headers).status_code == 200
    found = samples(gateway)
    assert value(found, "clientgate_auth_failures_total", reason="missing") == 1
    assert value(found, "clientgate_auth_failures_total", reason="unknown") == 2
    assert value(found, "clientgate_http_requests_total", dialect="talynce",
                 route="/api/v1/clients", method="GET", status="401") == 3


def test_the_outbox_and_the_database_are_read_at_scrape(gateway, store):
    kit = make_tenant(store, "metrics-outbox")
    before = samples(gateway)
    r = gateway.post("/growcrm/api/clients", headers=kit.headers, json={
        "client_company_name": "Mailed", "first_name": "Ann", "last_name": "Lee",
        "email": f"ann-{kit.id}@example.com", "send_email": "yes"})
    assert r.status_code in (200, 201), r.text
    after = samples(gateway)
    assert value(after, "clientgate_database_up") == 1
    assert (value(after, "clientgate_outbox_emails", state="pending")
            == value(before, "clientgate_outbox_emails", state="pending") + 1)


def test_the_pool_is_watched_on_postgresql(gateway, store, backend):
    kit = make_tenant(store, "metrics-pool")
    for _ in range(5):
        gateway.get("/fullengage/api/v1/clients", headers=kit.headers)
    found = samples(gateway)
    waits = value(found, "clientgate_db_pool_wait_seconds_count")
    if backend == "sqlite":  # each thread keeps its own connection: there is no pool
        assert waits == 0
    else:
        assert waits >= 5
        assert value(found, "clientgate_db_pool_connections_in_use") == 0  # all given back


def test_a_metrics_token_guards_the_page(database_url):
    settings = Settings(database_url=database_url, metrics_token="s3cret")
    with TestClient(create_app(settings)) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert samples(client, Authorization="Bearer s3cret")


def test_metrics_can_be_turned_off(database_url):
    with TestClient(create_app(Settings(database_url=database_url, metrics=False))) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/healthz").status_code == 200
