"""Gateway mechanics every dialect relies on: request ids, the error boundary, health checks,
the body limit and the key cache. A small test dialect, plugged in through the same contract as
the vendors, provides routes that fail on purpose."""

from __future__ import annotations

import logging

import pytest
from starlette.responses import Response
from starlette.testclient import TestClient

from dialects.kit import errors as api
from dialects.kit.base import Dialect
from dialects.kit.calls import Call, endpoint
from dialects.kit.responses import JSON
from dialects.kit.routing import resource
from gateway.app import create_app
from gateway.settings import Settings, SettingsError

SECRET = "database password is hunter2"


@endpoint
async def explode(call: Call) -> Response:
    raise RuntimeError(SECRET)


@endpoint
async def echo(call: Call) -> Response:
    return JSON({"body": await call.body(), "tenant": call.scope.tenant_id})


class Probe(Dialect):
    name = "probe"
    vendor = "Probe"
    seed = "none.txt"

    def routes(self):
        return [resource("/explode", GET=explode), resource("/echo", POST=echo)]

    def render(self, error: api.ApiError, scope) -> Response:
        return JSON({"probe_error": type(error).__name__}, status_code=error.status)


@pytest.fixture(scope="module")
def probe(database_url, store):
    app = create_app(Settings(database_url=database_url, max_body_bytes=64, key_cache_seconds=60),
                     store=store, dialects=[Probe()])
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_unexpected_errors_are_the_dialects_500_without_internals(probe, tenant, caplog):
    with caplog.at_level(logging.ERROR, logger="clientgate"):
        r = probe.get("/probe/explode", headers={**tenant.headers, "X-Request-ID": "trace-42"})
    assert r.status_code == 500
    assert r.json() == {"probe_error": "ServerError"}
    assert SECRET not in r.text
    assert r.headers["x-request-id"] == "trace-42"
    logged = [rec for rec in caplog.records if "trace-42" in rec.getMessage()]
    assert logged and logged[0].exc_info is not None
    assert tenant.key not in caplog.text


def test_request_ids_are_kept_when_sane_and_made_otherwise(probe, tenant):
    kept = probe.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    for bad in ("has space", "x" * 200, "<script>"):
        made = probe.get("/healthz", headers={"X-Request-ID": bad}).headers["x-request-id"]
        assert made != bad and len(made) == 32
    a = probe.get("/probe/explode", headers=tenant.headers).headers["x-request-id"]
    b = probe.get("/probe/explode", headers=tenant.headers).headers["x-request-id"]
    assert a != b


def test_body_limit_is_the_dialects_413_even_without_content_length(probe, tenant):
    r = probe.post("/probe/echo", content=b'{"a": "' + b"x" * 100 + b'"}',
                   headers={**tenant.headers, "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json() == {"probe_error": "PayloadTooLarge"}

    def chunks():
        yield b'{"a": "'
        yield b"x" * 100
        yield b'"}'

    r = probe.post("/probe/echo", content=chunks(),
                   headers={**tenant.headers, "Content-Type": "application/json"})
    assert r.status_code == 413


def test_unsupported_media_type_by_default(probe, tenant):
    r = probe.post("/probe/echo", content=b"a=1",
                   headers={**tenant.headers, "Content-Type": "text/plain"})
    assert r.status_code == 415 and r.json() == {"probe_error": "UnsupportedMediaType"}


def test_authentication_happens_before_the_handler(probe):
    r = probe.get("/probe/explode")
    assert r.status_code == 401 and r.json() == {"probe_error": "Unauthenticated"}


def test_routing_errors_are_rendered_by_the_dialect(probe, tenant):
    assert probe.get("/probe/nowhere", headers=tenant.headers).json() == {"probe_error": "NotFound"}
    r = probe.delete("/probe/explode", headers=tenant.headers)
    assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"


def test_key_cache_forgets_revoked_keys_after_forget(probe, store, tenant):
    record, key = store.keys.create(tenant.id)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    assert probe.post("/probe/echo", json={}, headers=headers).status_code == 200
    store.keys.revoke(record["id"])
    # Cached for key_cache_seconds=60 on this instance...
    assert probe.post("/probe/echo", json={}, headers=headers).status_code == 200
    probe.app.services.authenticator.forget()
    assert probe.post("/probe/echo", json={}, headers=headers).status_code == 401


def test_health_and_readiness(probe):
    assert probe.get("/healthz").json() == {"status": "ok"}
    assert probe.get("/readyz").json() == {"status": "ok"}


def test_readiness_fails_when_the_database_is_unreachable():
    app = create_app(Settings(database_url="postgresql://nobody@127.0.0.1:1/none"))
    with TestClient(app) as client:
        r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json() == {"status": "unavailable", "reason": "database unreachable"}
    assert client.get("/healthz").status_code == 200


def test_readiness_fails_on_an_old_schema(tmp_path):
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/empty.db"))
    with TestClient(app) as client:
        r = client.get("/readyz")
    assert r.status_code == 503 and r.json()["reason"] == "schema is not up to date"


def test_a_host_mapped_to_a_dialect_serves_its_paths_at_the_root(database_url, store, tenant):
    """``CLIENTGATE_HOST_DIALECTS``: a GitScrum integration keeps its paths and changes only its
    host name; other hosts see the prefixed paths as before."""
    settings = Settings(database_url=database_url,
                        host_dialects="services.gitscrum.test=gitscrum, Crm.Test=growcrm")
    with TestClient(create_app(settings, store=store)) as client:
        made = client.post("/contact-companies", headers={**tenant.headers,
                                                           "Host": "services.gitscrum.test"},
                           json={"company_slug": "main", "name": "By host"})
        assert made.status_code == 201, made.text
        uuid = made.json()["data"]["uuid"]
        at_root = client.get(f"/contact-companies/{uuid}?company_slug=main",
                             headers={**tenant.headers, "Host": "services.gitscrum.test:443"})
        assert at_root.status_code == 200 and at_root.json()["data"]["name"] == "By host"
        prefixed = client.get(f"/gitscrum/contact-companies/{uuid}?company_slug=main",
                              headers=tenant.headers)
        assert prefixed.json() == at_root.json()
        # Host names match whatever their case; an unknown path there is the dialect's 404.
        listed = client.get("/api/clients", headers={**tenant.headers, "Host": "crm.test"})
        assert listed.status_code == 200 and "data" in listed.json()
        lost = client.get("/nowhere", headers={**tenant.headers, "Host": "crm.test"})
        assert lost.status_code == 404 and "message" in lost.json()
        # Elsewhere the root is the gateway's own.
        assert client.get("/contact-companies", headers=tenant.headers).status_code == 404
        assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(("value", "message"), [
    ("services.gitscrum.test", "host_dialects must be host=dialect"),
    ("a.test:8080=gitscrum", "host_dialects must be host=dialect"),
    ("a.test=nosuch", "not mounted: nosuch"),
])
def test_a_bad_host_mapping_is_refused_before_serving(database_url, value, message):
    with pytest.raises(SettingsError, match=message):
        create_app(Settings.from_env({}, database_url=database_url, host_dialects=value))
