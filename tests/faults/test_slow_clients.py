"""A client that sends less body than it declared is answered with its dialect's 408 within the
body timeout, and one that hangs up half-way is no error: nothing is written and no traceback
is logged."""

from __future__ import annotations

import time

import pytest

from tests.conftest import count_clients, make_tenant

from .process import GatewayProcess
from .slow import send_partial

pytestmark = pytest.mark.faults


def test_a_body_that_never_arrives_is_a_408_and_a_hang_up_is_quiet(database_url, store,
                                                                  tmp_path):
    kit = make_tenant(store, "slow")
    log = tmp_path / "gateway.log"
    with GatewayProcess(database_url, log=log, request_body_timeout=1) as gw:
        started = time.monotonic()
        answer = send_partial(gw.url, "/outlign/api/v1/clients", kit.headers, declared=1000,
                              sent=b'{"title": "Never', wait=5)
        took = time.monotonic() - started
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b'{"message":"Request Timeout"}' in answer or b"Request Timeout" in answer
        assert took < 3
        send_partial(gw.url, "/outlign/api/v1/clients", kit.headers, declared=1000,
                     sent=b'{"title": "Gone', wait=None, hang_up=True)
        time.sleep(0.5)
    text = log.read_text()
    assert "Traceback" not in text and "unhandled error" not in text, text
    assert count_clients(store, kit.id) == 0
