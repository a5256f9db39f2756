"""Behaviours every dialect shares, tested once over the registry, each answered in the
dialect's own body (``vendors.py``): a missing, unknown or revoked key is a 401 on every route
and writes nothing; a body over the limit is a 413 and writes nothing; an unknown route is the
vendor's 404; a method a path does not serve is a 405 with ``Allow``; an unexpected error is the
vendor's 500 and shows none of its internals; every response carries the request id; the seed
the dialect reproduces is there. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from dialects.kit.routing import Methods
from dialects.registry import DIALECTS
from gateway.app import create_app
from gateway.settings import Settings
from tests.conftest import count_clients, empty_database

from .vendors import VENDORS, refusal

NAMES = sorted(DIALECTS)
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
BAD_CREDENTIALS = [{}, {"Authorization": "Bearer cg_nope"}, {"Authorization": "Basic abc"},
                   {"Authorization": "Bearer"}, {"Authorization": "Bearer " + "x" * 5000}]
SAMPLE = {"id": "1", "uuid": "7f1c2a8e-3b5d-4c6e-9f70-8a9b0c1d2e3f"}


def text(template: Any, **values: str) -> Any:
    """The expected body: ``template`` with ``values`` written in (a callable gets them)."""
    if callable(template):
        return template(**values)
    if isinstance(template, dict):
        return {k: text(v, **values) for k, v in template.items()}
    return template.format(**values)


def routes(name: str) -> list[tuple[str, str, Methods]]:
    """Every (method, sample path, handlers) the dialect serves, HEAD aside."""
    found = []
    for route in DIALECTS[name].routes():
        assert isinstance(route, Route) and isinstance(route.app, Methods)
        path = re.sub(r"\{(\w+)(:\w+)?\}", lambda m: SAMPLE.get(m.group(1), "x"), route.path)
        found += [(method, path, route.app) for method in route.app.allowed if method != "HEAD"]
    return found


def every_route() -> list[tuple[str, str, str]]:
    """Every route that takes a credential (a sign-in or a token endpoint takes none)."""
    return [(name, method, path) for name in NAMES for method, path, methods in routes(name)
            if not getattr(methods.table[method], "public", False)]


def test_the_routes_without_a_credential_are_the_sign_ins():
    public = {(name, method, path) for name in NAMES for method, path, methods in routes(name)
              if getattr(methods.table[method], "public", False)}
    assert public == {("outlign", "GET", "/oauth/authorize"),
                      ("outlign", "POST", "/oauth/authorize"),
                      ("outlign", "DELETE", "/oauth/authorize"),
                      ("outlign", "POST", "/oauth/token"), ("gitscrum", "POST", "/auth/login")}


def test_every_dialect_says_how_it_answers():
    assert set(VENDORS) == set(DIALECTS)


@pytest.mark.parametrize("name", NAMES)
def test_the_seed_it_reproduces_is_there(name):
    if not SEEDS.is_dir():
        pytest.skip(f"the seed documents are not beside this checkout ({SEEDS})")
    assert (SEEDS / DIALECTS[name].seed).is_file()


@pytest.mark.parametrize(("name", "method", "path"), every_route())
@pytest.mark.parametrize("headers", BAD_CREDENTIALS, ids=range(len(BAD_CREDENTIALS)))
def test_a_missing_or_unknown_key_is_a_401_on_every_route(client, name, method, path, headers):
    r = client.request(method, f"/{name}{path}", params={"company_slug": "main"}, json={},
                       headers=headers)
    assert (r.status_code, refusal(r.json())) == (401, VENDORS[name].unauthenticated)


@pytest.mark.parametrize("name", NAMES)
def test_a_revoked_key_is_a_401_and_writes_nothing(client, tenant, store, name):
    vendor = VENDORS[name]
    record, key = store.keys.create(tenant.id)
    headers = {"Authorization": f"Bearer {key}"}
    url = f"/{name}{vendor.create}"
    body = vendor.create_body(tenant.workspace)
    assert client.post(url, json=body, headers=headers).status_code == 201
    store.keys.revoke(record["id"])

    r = client.post(url, json=body, headers=headers)

    assert (r.status_code, refusal(r.json())) == (401, vendor.unauthenticated)
    assert count_clients(store, tenant.id) == 1


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_is_a_413_and_writes_nothing(client, tenant, name, declared):
    vendor = VENDORS[name]
    body = {**vendor.create_body(tenant.workspace), "notes": "n" * 1_100_000}
    raw = json.dumps(body).encode()
    content = raw if declared else iter([raw[:1000], raw[1000:]])

    r = client.post(f"/{name}{vendor.create}", content=content,
                    headers={**tenant.headers, "Content-Type": "application/json"})

    assert (r.status_code, r.json()) == (413, vendor.too_large)
    assert count_clients(tenant.store, tenant.id) == 0


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("route", ["nothing/here", "api/v1/clients/1/2/3"])
def test_an_unknown_route_is_the_vendors_404(client, tenant, name, route):
    r = client.get(f"/{name}/{route}", headers=tenant.headers)
    assert (r.status_code, r.json()) == (404, text(VENDORS[name].no_route, route=route))


@pytest.mark.parametrize("name", NAMES)
def test_a_method_a_path_does_not_serve_is_a_405_with_allow(client, tenant, name):
    for method, path, methods in routes(name):
        refused = next(m for m in ("PATCH", "PUT", "DELETE", "POST") if m not in methods.allowed)
        r = client.request(refused, f"/{name}{path}", headers=tenant.headers)
        allowed = ", ".join(methods.allowed)
        assert r.status_code == 405, (method, path)
        assert r.headers["allow"] == allowed
        assert r.json() == text(VENDORS[name].not_allowed, method=refused,
                                route=path.lstrip("/"), allowed=allowed)


@pytest.mark.parametrize("name", NAMES)
def test_every_response_carries_the_request_id(client, tenant, name):
    url = f"/{name}{VENDORS[name].list_route}"
    kept = client.get(url, params={"company_slug": "main"},
                      headers={**tenant.headers, "X-Request-ID": "trace-7"})
    assert kept.status_code == 200 and kept.headers["x-request-id"] == "trace-7"
    refused = client.get(url, headers={"X-Request-ID": "bad id!"})
    assert refused.status_code == 401 and re.fullmatch(r"[0-9a-f]{32}",
                                                       refused.headers["x-request-id"])


@pytest.fixture(scope="module")
def broken(backend, tmp_path_factory):
    """A gateway whose database has no schema at all: every store call fails unexpectedly."""
    with empty_database(backend, tmp_path_factory.mktemp("broken")) as url:
        app = create_app(Settings(database_url=url, key_cache_seconds=0))
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client


@pytest.mark.parametrize("name", NAMES)
def test_an_unexpected_error_is_the_vendors_500_without_internals(broken, name, caplog):
    vendor = VENDORS[name]
    with caplog.at_level(logging.ERROR, logger="clientgate"):
        r = broken.post(f"/{name}{vendor.create}", json={"name": "x"},
                        headers={"Authorization": "Bearer cg_secret-key",
                                 "X-Request-ID": f"broken-{name}"})
    assert (r.status_code, r.json()) == (500, vendor.server_error)
    assert "api_keys" not in r.text and "Traceback" not in r.text
    logged = [rec for rec in caplog.records if f"broken-{name}" in rec.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert "cg_secret-key" not in caplog.text
