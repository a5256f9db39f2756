"""No secret reaches a log line: neither a key sent in a query string (the access log keeps the
parameter names only) nor one in a header."""

from __future__ import annotations

import json

import httpx2 as httpx
import pytest

from gateway.logs import redact_query
from tests.conftest import make_tenant

from .process import GatewayProcess

pytestmark = pytest.mark.faults


@pytest.mark.parametrize(("target", "logged"), [
    ("/a?api_key=cg_secret", "/a?api_key=***"),
    ("/a?page=2&token=x&empty=", "/a?page=***&token=***&empty=***"),
    ("/a", "/a"), ("/a?flag", "/a?flag"),
])
def test_query_values_are_redacted(target, logged):
    assert redact_query(target) == logged


def test_keys_in_urls_and_headers_stay_out_of_the_logs(database_url, store, tmp_path):
    kit = make_tenant(store, "logs")
    log = tmp_path / "gateway.log"
    with GatewayProcess(database_url, log=log, access_log=True) as gw, \
            httpx.Client(base_url=gw.url, timeout=10) as http:
        for param in ("api_key", "token", "access_token"):
            r = http.get("/outlign/api/v1/clients", params={param: kit.key, "page": "2"})
            assert r.status_code == 401
        assert http.get("/outlign/api/v1/clients", headers=kit.headers).status_code == 200
    text = log.read_text()
    assert "path='/outlign/api/v1/clients?api_key=***&page=***'" in text
    assert kit.key not in text and kit.key[:12] not in text


def test_json_logs_are_one_object_per_line_with_every_access_field(database_url, store,
                                                                   tmp_path):
    kit = make_tenant(store, "jsonlogs")
    log = tmp_path / "gateway.log"
    with GatewayProcess(database_url, log=log, access_log=True, log_format="json") as gw, \
            httpx.Client(base_url=gw.url, timeout=10) as http:
        ok = http.get("/outlign/api/v1/clients?page=1", headers=kit.headers)
        refused = http.get("/talynce/api/v1/clients", params={"api_key": kit.key})
        assert (ok.status_code, refused.status_code) == (200, 401)
    lines = [json.loads(line) for line in log.read_text().splitlines()]  # every line parses
    assert any(e["logger"].startswith("uvicorn") for e in lines)  # uvicorn's own lines too
    access = {e["request_id"]: e for e in lines if e["logger"] == "clientgate.access"}
    served = access[ok.headers["x-request-id"]]
    assert served | {"timestamp": None, "duration_ms": None} == {
        "event": "request", "level": "info", "logger": "clientgate.access",
        "timestamp": None, "duration_ms": None, "request_id": ok.headers["x-request-id"],
        "method": "GET", "path": "/outlign/api/v1/clients?page=***", "status": 200,
        "dialect": "outlign", "route": "/api/v1/clients", "tenant_id": kit.id,
        "key_id": store.keys.resolve(kit.key).key_id, "client": "127.0.0.1"}
    assert served["duration_ms"] > 0 and served["timestamp"].endswith("Z")
    denied = access[refused.headers["x-request-id"]]
    assert (denied["status"], denied["tenant_id"], denied["key_id"]) == (401, None, None)
    assert denied["path"] == "/talynce/api/v1/clients?api_key=***"
    assert kit.key not in log.read_text()
