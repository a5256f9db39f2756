"""``/docs``: interactive API documentation served from this process (its assets included), and
optional CORS for browser integrations (``CLIENTGATE_CORS_ORIGINS``), over HTTP on both
backends."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.settings import Settings, SettingsError
from tests.conftest import make_tenant

APP = "https://app.example"


@pytest.fixture
def browser_app(database_url, store):
    settings = Settings(database_url=database_url, cors_origins=f"{APP}, https://other.example")
    with TestClient(create_app(settings, store=store)) as client:
        yield client


def test_docs_list_the_mounted_dialects_and_serve_their_assets(database_url, store):
    settings = Settings(database_url=database_url, dialects="talynce,gitscrum")
    with TestClient(create_app(settings, store=store)) as client:
        index = client.get("/docs")
        assert index.status_code == 200 and "text/html" in index.headers["content-type"]
        assert 'href="/docs/talynce"' in index.text and 'href="/docs/gitscrum"' in index.text
        assert "/docs/outlign" not in index.text
        page = client.get("/docs/talynce")
        assert 'data-spec="/openapi/talynce.yaml"' in page.text
        assert "script-src" not in page.headers["content-security-policy"]  # 'self' only
        assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
        assert client.get("/docs/outlign").status_code == 404
        bundle = client.get("/docs/assets/swagger-ui-bundle.js")
        assert bundle.status_code == 200 and len(bundle.content) > 100_000
        assert client.get("/docs/assets/docs.js").text.count("SwaggerUIBundle") == 1
        assert client.get("/docs/assets/index.html").status_code == 404
        assert client.get("/docs/assets/..%2Fsettings.py").status_code == 404
        assert client.get("/openapi/talynce.yaml").status_code == 200


def test_docs_can_be_turned_off(database_url, store):
    with TestClient(create_app(Settings(database_url=database_url, docs=False),
                               store=store)) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/docs/talynce").status_code == 404


def test_cors_is_off_by_default(client, tenant):
    r = client.get("/talynce/api/v1/clients", headers={**tenant.headers, "Origin": APP})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers


def test_a_preflight_from_an_allowed_origin_is_answered(browser_app):
    r = browser_app.options("/fullengage/api/v1/clients", headers={
        "Origin": APP, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, idempotency-key"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == APP
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "authorization" in r.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in r.headers
    refused = browser_app.options("/fullengage/api/v1/clients", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


def test_a_browser_call_gets_the_cors_headers_and_the_dialect_s_answer(browser_app, store):
    kit = make_tenant(store, "cors")
    r = browser_app.post("/talynce/api/v1/clients", json={"name": "From a web page"},
                         headers={**kit.headers, "Origin": APP})
    assert r.status_code == 201 and r.json()["data"]["name"] == "From a web page"
    assert r.headers["access-control-allow-origin"] == APP
    assert "x-request-id" in r.headers["access-control-expose-headers"].lower()
    refused = browser_app.get("/talynce/api/v1/clients", headers={"Origin": APP})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    assert refused.headers["access-control-allow-origin"] == APP
    # A dialect still answers its own OPTIONS when it is no preflight.
    assert browser_app.options("/talynce/api/v1/clients").status_code == 204


@pytest.mark.parametrize("bad", ["app.example", "https://app.example/path", "ftp://x.example"])
def test_cors_origins_must_be_origins(bad):
    with pytest.raises(SettingsError, match="cors_origins"):
        Settings.from_env({}, cors_origins=bad)
