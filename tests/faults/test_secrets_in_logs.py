"""No secret reaches a log line: neither a key sent in a query string (the access log keeps the
parameter names only) nor one in a header."""

from __future__ import annotations

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
    assert "GET /outlign/api/v1/clients?api_key=***&page=***" in text
    assert kit.key not in text and kit.key[:12] not in text
