"""Keys as the vendors issue them: an expiry (refused with the dialect's 401 once past, cached
or not), rotation with a grace period, last use written off the request's path, and Full
Engage's secret format; from the command line, over HTTP, on both backends."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from gateway.app import create_app
from gateway.cli import main
from gateway.settings import Settings
from tests.conftest import make_tenant

OUTLIGN = "/outlign/api/v1/clients"


def cli(capsys, url, *args):
    code = main(["--database-url", url, *args])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 and "--json" in args else out), err


@pytest.fixture
def gateway(database_url, store):
    # A long cache: an expired key must be refused even while it is remembered.
    with TestClient(create_app(Settings(database_url=database_url, key_cache_seconds=60),
                               store=store)) as client:
        yield client


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_key_stops_at_its_expiry_even_while_cached(gateway, store):
    kit = make_tenant(store, "expiry")
    _, key = store.keys.create(kit.id, expires_at=datetime.now(UTC) + timedelta(seconds=1.5))
    assert gateway.get(OUTLIGN, headers=bearer(key)).status_code == 200  # now cached
    time.sleep(1.6)
    refused = gateway.get(OUTLIGN, headers=bearer(key))
    assert refused.status_code == 401 and refused.json() == {"message": "Unauthenticated."}
    talynce = gateway.get("/talynce/api/v1/clients", headers=bearer(key))
    assert talynce.status_code == 401
    assert 'clientgate_auth_failures_total{reason="expired"} 2.0' in gateway.get("/metrics").text


def test_a_rotated_key_keeps_working_for_its_grace_then_only_the_new_one(gateway, store,
                                                                         database_url, capsys):
    kit = make_tenant(store, "rotate")
    key_id = store.keys.resolve(kit.key).key_id
    store.keys.set_limit(key_id, "100/minute")
    code, rotated, _ = cli(capsys, database_url, "keys", "rotate", str(key_id), "--grace", "2s",
                           "--json")
    assert code == 0 and rotated["replaces"] == key_id
    assert rotated["api_key"] != kit.key and rotated["rate_limit"] == "100/minute"
    assert rotated["expires_at"] is None  # the new one ends when the old one would have
    assert gateway.get(OUTLIGN, headers=bearer(rotated["api_key"])).status_code == 200
    assert gateway.get(OUTLIGN, headers=bearer(kit.key)).status_code == 200  # in its grace
    time.sleep(2.1)
    assert gateway.get(OUTLIGN, headers=bearer(kit.key)).status_code == 401
    assert gateway.get(OUTLIGN, headers=bearer(rotated["api_key"])).status_code == 200
    code, _, err = cli(capsys, database_url, "keys", "rotate", "999999")
    assert code == 1 and err == "clientgate: error: there is no api key 999999\n"


def test_last_use_is_written_a_moment_later_and_not_on_every_request(gateway, store):
    kit = make_tenant(store, "last-use")
    key_id = store.keys.resolve(kit.key).key_id
    before = datetime.now(UTC)
    for _ in range(20):
        assert gateway.get(OUTLIGN, headers=kit.headers).status_code == 200

    def last_use():
        return next(k for k in store.keys.list(kit.id) if k["id"] == key_id)["last_used_at"]

    assert last_use() is None  # nothing written by the requests themselves
    deadline = time.monotonic() + 5
    while last_use() is None:
        assert time.monotonic() < deadline, "last use never written"
        time.sleep(0.1)
    seen = last_use()
    seen = seen.replace(tzinfo=UTC) if seen.tzinfo is None else seen
    assert before - timedelta(seconds=1) <= seen <= datetime.now(UTC)


def test_full_engage_keys_look_like_full_engage_s_and_need_an_expiry(gateway, store,
                                                                    database_url, capsys):
    kit = make_tenant(store, "ba-format")
    code, _, err = cli(capsys, database_url, "keys", "create", "--tenant", kit.name,
                       "--format", "fullengage")
    assert code == 1 and "--expires-in or --expires-at" in err
    code, made, _ = cli(capsys, database_url, "keys", "create", "--tenant", kit.name,
                        "--format", "fullengage", "--expires-in", "30d", "--json")
    assert code == 0 and re.fullmatch(r"ba_[0-9a-f]{40}", made["api_key"])
    expires = datetime.fromisoformat(made["expires_at"])
    assert timedelta(days=29, hours=23) < expires - datetime.now(UTC) <= timedelta(days=30)
    r = gateway.get("/fullengage/api/v1/clients", headers=bearer(made["api_key"]))
    assert r.status_code == 200
    code, rotated, _ = cli(capsys, database_url, "keys", "rotate", str(made["id"]), "--json")
    assert re.fullmatch(r"ba_[0-9a-f]{40}", rotated["api_key"])  # a rotation keeps the shape
    assert rotated["expires_at"] == made["expires_at"]


@pytest.mark.parametrize("args", [
    ("--expires-in", "soon"), ("--expires-in", "0d"), ("--expires-at", "next tuesday"),
    ("--rate-limit", "lots"), ("--expires-in", "1d", "--expires-at", "2030-01-01"),
])
def test_bad_key_options_exit_2_in_one_line(capsys, database_url, store, args):
    kit = make_tenant(store, "bad-key-options")
    with pytest.raises(SystemExit) as exit_:
        main(["--database-url", database_url, "keys", "create", "--tenant", kit.name, *args])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1 and "error:" in err


def test_limits_from_the_command_line(capsys, database_url, store):
    kit = make_tenant(store, "limit-cli")
    code, tenant, _ = cli(capsys, database_url, "tenants", "limit", kit.name, "30/minute",
                          "--json")
    assert code == 0 and tenant["rate_limit"] == "30/minute"
    key_id = store.keys.resolve(kit.key).key_id
    code, key, _ = cli(capsys, database_url, "keys", "limit", str(key_id), "10 per second",
                       "--json")
    assert code == 0 and key["rate_limit"] == "10 per second"
    assert store.keys.resolve(kit.key).rate_limit == "10 per second"
    assert store.keys.resolve(kit.limited_key).rate_limit == "30/minute"
    cli(capsys, database_url, "keys", "limit", str(key_id), "none")
    assert store.keys.resolve(kit.key).rate_limit == "30/minute"
