"""Rate limits in each vendor's own words (headers, 429 bodies), which limit applies (the key's,
its tenant's, the default), shared through a real Redis, and served anyway when Redis is gone.
On both backends."""

from __future__ import annotations

import logging
import time

import pytest
import redis
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.settings import Settings, SettingsError
from tests.conftest import make_tenant

REDIS_URL = "redis://127.0.0.1:6379/15"  # a database of the tests' own, emptied per test
#: One list request per dialect, and what its 429 says.
LISTS = {
    "outlign": ("/outlign/api/v1/clients", {"message": "Too Many Attempts."}),
    "growcrm": ("/growcrm/api/clients", {"message": "Too Many Attempts."}),
    "gitscrum": ("/gitscrum/contact-companies/clients?company_slug=main", None),
    "fullengage": ("/fullengage/api/v1/clients", {"error": "Too many requests"}),
    "talynce": ("/talynce/api/v1/clients", None),
}


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.ConnectionError as exc:
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    return REDIS_URL


def gateway(database_url, store, **settings):
    return TestClient(create_app(Settings(database_url=database_url, **settings), store=store))


@pytest.mark.parametrize("dialect", sorted(LISTS))
def test_a_spent_limit_is_the_vendors_429_with_the_vendors_headers(database_url, store, dialect):
    kit = make_tenant(store, f"limit-{dialect}")
    store.keys.set_limit(store.keys.resolve(kit.key).key_id, "3/minute")
    path, body = LISTS[dialect]
    with gateway(database_url, store) as client:
        answers = [client.get(path, headers=kit.headers) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    retry = int(refused.headers["retry-after"])
    assert 1 <= retry <= 60
    if dialect == "gitscrum":
        assert refused.json() == {"error": "Too Many Requests", "retry_after": retry,
                                  "message": f"Rate limit exceeded. Retry after {retry} seconds.",
                                  "error_code": "RATE_LIMIT_EXCEEDED"}
    elif dialect == "talynce":
        assert refused.json() == {"error": {"code": "rate_limited", "message": "Too many requests",
                                            "details": {"retry_after": retry}}}
    else:
        assert refused.json() == body
    if dialect in ("outlign", "growcrm", "gitscrum"):
        assert [r.headers["x-ratelimit-limit"] for r in answers] == ["3"] * 4
        assert [r.headers["x-ratelimit-remaining"] for r in answers] == ["2", "1", "0", "0"]
        reset = int(refused.headers["x-ratelimit-reset"])
        assert time.time() < reset <= time.time() + 61
        # Laravel's throttle names the reset only on the 429; GitScrum on every response.
        assert ("x-ratelimit-reset" in answers[0].headers) == (dialect == "gitscrum")
    else:
        assert not any("x-ratelimit-limit" in r.headers for r in answers)
        assert "retry-after" not in answers[0].headers


def test_the_key_s_limit_then_the_tenant_s_then_the_default(database_url, store):
    kit = make_tenant(store, "limit-order")
    own = store.keys.create(kit.id, name="own")[1]
    store.keys.set_limit(store.keys.resolve(own).key_id, "5/minute")
    path = "/outlign/api/v1/clients"
    with gateway(database_url, store, rate_limit="2/minute", key_cache_seconds=0) as client:
        limit = lambda key: client.get(path, headers={"Authorization": f"Bearer {key}"}  # noqa: E731
                                       ).headers["x-ratelimit-limit"]
        assert limit(kit.key) == "2"  # the default
        store.tenants.set_limit(kit.id, "4/minute")
        assert limit(kit.limited_key) == "4"  # its tenant's
        assert limit(own) == "5"  # its own
        store.tenants.set_limit(kit.id, None)
        assert limit(kit.limited_key) == "2"
    with gateway(database_url, store) as client:  # no default: only keys with a limit count
        assert "x-ratelimit-limit" not in client.get(path, headers=kit.headers).headers
        assert client.get(path, headers={"Authorization": f"Bearer {own}"}).status_code == 200


def test_limits_are_shared_through_redis_by_every_instance(database_url, store, redis_url):
    kit = make_tenant(store, "limit-shared")
    path = "/talynce/api/v1/clients"
    with gateway(database_url, store, rate_limit="4/minute", redis_url=redis_url) as one, \
            gateway(database_url, store, rate_limit="4/minute", redis_url=redis_url) as two:
        statuses = [(one if i % 2 else two).get(path, headers=kit.headers).status_code
                    for i in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]
    assert any(k.startswith(b"clientgate") for k in redis.Redis.from_url(redis_url).keys())


def test_a_redis_that_is_gone_lets_requests_through_and_says_so(database_url, store, caplog):
    kit = make_tenant(store, "limit-open")
    dead = "redis://127.0.0.1:1/0"
    with caplog.at_level(logging.WARNING, logger="clientgate.ratelimit"), \
            gateway(database_url, store, rate_limit="1/minute", redis_url=dead) as client:
        statuses = [client.get("/outlign/api/v1/clients", headers=kit.headers).status_code
                    for _ in range(5)]
        metrics = client.get("/metrics").text
    assert statuses == [200] * 5  # served, though the limit is 1/minute
    assert "clientgate_rate_limit_errors_total 1.0" in metrics  # then left alone for a while
    warnings = [r for r in caplog.records if r.name == "clientgate.ratelimit"]
    assert len(warnings) == 1 and "requests are served" in warnings[0].getMessage()


def test_refusals_are_counted_by_dialect(database_url, store):
    kit = make_tenant(store, "limit-count")
    with gateway(database_url, store, rate_limit="1/minute") as client:
        for _ in range(3):
            client.get("/fullengage/api/v1/clients", headers=kit.headers)
        metrics = client.get("/metrics").text
    assert 'clientgate_rate_limited_requests_total{dialect="fullengage"} 2.0' in metrics


@pytest.mark.parametrize(("settings", "said"), [
    ({"rate_limit": "lots"}, "is not a rate limit"),
    ({"redis_url": "http://127.0.0.1:6379"}, "redis_url must be a redis://"),
])
def test_bad_limit_settings_are_refused(settings, said):
    with pytest.raises(SettingsError, match=said):
        Settings.from_env({}, **settings)
