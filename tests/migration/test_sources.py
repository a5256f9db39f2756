"""Imports from sources that fail: a network and a server that fail for a while (the import
finishes, with no duplicate and no loss), an import killed half way (run again, the same
result), and sources that are not what they claim (one line, a non-zero exit, nothing written).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.faults.vendor import FaultyVendor

from .conftest import SIZE, destination

ALIVE = SIZE - len(range(5, SIZE, 10))
ROOT = Path(__file__).resolve().parents[2]


def run_import(dest, dialect: str, url: str, token: str, state: Path, *extra: str):
    return dest.cli("import", "--tenant", "moved", "--dialect", dialect, "--from", url,
                    "--token", token, "--state", str(state), "--json", *extra)


def stored(dest) -> list[int]:
    return [row["id"] for rows in dest.store.exports.clients(dest.tenant["id"]) for row in rows]


def test_an_import_rides_out_throttling_errors_slow_pages_and_dropped_connections(
        source, backend, tmp_path):
    acme = source.tenants[0]
    with destination(backend, tmp_path) as dest, \
            FaultyVendor(f"{source.url}/fullengage", slow_seconds=1.5) as vendor:
        vendor.plan("429", "ok", "500", "500", "slow", "drop", "ok", "429")
        code, summary, err = run_import(dest, "fullengage", vendor.url, acme.key,
                                        tmp_path / "state")

        assert (code, err) == (0, "")
        assert (summary["created"], summary["failed"]) == (ALIVE, 0)
        assert summary["pages"] == -(-ALIVE // 100)
        ids = stored(dest)
        assert len(ids) == len(set(ids)) == ALIVE
        # Retry-After was honoured: the request after each 429 came a second or more later.
        times = [t for t, _, _ in vendor.log]
        for i, (_, _, fault) in enumerate(vendor.log[:-1]):
            if fault == "429":
                assert times[i + 1] - times[i] >= 0.95


def test_an_import_that_keeps_failing_stops_with_one_line(source, backend, tmp_path):
    acme = source.tenants[0]
    with destination(backend, tmp_path) as dest, \
            FaultyVendor(f"{source.url}/outlign") as vendor:
        vendor.plan(*["500"] * 20)
        started = time.monotonic()
        code, summary, err = run_import(dest, "outlign", vendor.url, acme.key,
                                        tmp_path / "state")
        assert code == 1 and summary is None
        assert err.count("\n") == 1 and "still answered HTTP 500 after 8 tries" in err
        assert stored(dest) == []
        assert time.monotonic() - started < 60


@pytest.mark.parametrize(("dialect", "fault", "says"), [
    ("fullengage", "html", "did not answer JSON: is"),
    ("outlign", "not-json", "did not answer JSON"),
    ("talynce", "missing-field", "page 1 item 1: missing"),
    ("fullengage", "short", "99 items at offset 0"),
    ("growcrm", "per-page", "has 7 a page, 100 were asked for"),
    ("talynce", "duplicate", "was listed before"),
])
def test_a_source_that_is_not_what_it_claims_writes_nothing(source, backend, tmp_path, dialect,
                                                            fault, says):
    acme = source.tenants[0]
    with destination(backend, tmp_path) as dest, \
            FaultyVendor(f"{source.url}/{dialect}") as vendor:
        vendor.plan(*(["ok", fault] if fault == "duplicate" else [fault]))
        code, summary, err = run_import(dest, dialect, vendor.url, acme.key, tmp_path / "state")
        assert code == 1 and summary is None
        assert err.count("\n") == 1 and says in err, err
        assert stored(dest) == []


@pytest.mark.parametrize(("dialect", "token", "base", "says"), [
    ("outlign", "cg_wrong", "outlign", "refused the token (HTTP 401)"),
    ("outlign", None, "fullengage", "expected a JSON array, got dict: is"),
    ("growcrm", None, "nowhere", "answered HTTP 404: is"),
    ("gitscrum", None, "gitscrum", "give --workspace (company_slug)"),
])
def test_a_wrong_token_or_base_url_is_one_line(source, backend, tmp_path, dialect, token, base,
                                               says):
    acme = source.tenants[0]
    with destination(backend, tmp_path) as dest:
        code, _, err = run_import(dest, dialect, f"{source.url}/{base}", token or acme.key,
                                  tmp_path / "state")
        assert code == 1 and err.count("\n") == 1 and says in err, err
        assert stored(dest) == []


def test_an_import_killed_half_way_finishes_when_run_again(source, backend, tmp_path):
    acme = source.tenants[0]
    state = tmp_path / "state"
    with destination(backend, tmp_path) as dest, \
            FaultyVendor(f"{source.url}/talynce", delay=0.25) as vendor:
        argv = [sys.executable, "-m", "gateway.cli", "--database-url", dest.database_url,
                "import", "--tenant", "moved", "--dialect", "talynce", "--from", vendor.url,
                "--token", acme.key, "--state", str(state), "--json"]
        process = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env={**os.environ})
        pages = state / "pages.jsonl"
        deadline = time.monotonic() + 60
        while not (pages.exists() and pages.read_bytes().count(b"\n") >= 4):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        read_before = len(vendor.log)

        vendor.delay = 0
        code, summary, err = run_import(dest, "talynce", vendor.url, acme.key, state)

        assert (code, err) == (0, "")
        assert (summary["created"], summary["failed"]) == (ALIVE, 0)
        ids = stored(dest)
        assert len(ids) == len(set(ids)) == ALIVE
        # The pages already read were not asked for again.
        assert len(vendor.log) - read_before <= -(-ALIVE // 100) - 4 + 1
        assert not state.exists()


def test_a_dry_run_reports_and_writes_nothing(source, backend, tmp_path):
    acme = source.tenants[0]
    with destination(backend, tmp_path) as dest:
        code, summary, _ = run_import(dest, "growcrm", f"{source.url}/growcrm", acme.key,
                                      tmp_path / "state", "--dry-run")
        assert code == 0 and summary["created"] == ALIVE
        assert stored(dest) == []
        assert [c["name"] for c in dest.store.categories.list(dest.tenant["id"])] == ["Default"]
