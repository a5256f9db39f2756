"""``clientgate export`` and ``clientgate import --file``: a tenant written out and read back,
with every id, on another database; a bad row is reported by line and nothing of it written."""

from __future__ import annotations

import contextlib
import csv
import io
import json

import pytest
from starlette.testclient import TestClient

from core import migrate
from core.queries import ClientQuery
from core.scope import Scope
from core.store import Store
from dialects.registry import DIALECTS
from gateway.app import create_app
from gateway.cli import main
from gateway.settings import Settings
from tests.conftest import empty_database

from .conftest import bearer, fill

SIZE = 300


def cli(url: str, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--database-url", url, *argv])
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def world(backend: str, directory, *, filled: bool):
    """A migrated database with tenant "acme": ``filled`` as a vendor's account, with a custom
    field and an address-book contact; else empty."""
    with empty_database(backend, directory) as url:
        store = Store.from_url(url, pool_size=2)
        migrate.upgrade(store.engine)
        if filled:
            tenant = fill(store, "acme", SIZE)
            store.custom_fields.create(tenant.id, "po_number", label="PO")
            store.clients.update(Scope(tenant.id), id=1, custom_values={"po_number": "PO-1"})
            store.users.create(Scope(tenant.id), client_id=1, first_name="Cy", last_name="C",
                               email="cy@acme.example", kind="contact")
            key = tenant.key
        else:
            tid = store.tenants.create("acme", workspace_slug="main", workspace_name="Main")["id"]
            _, key = store.keys.create(tid)
        app = create_app(Settings(database_url=url, key_cache_seconds=0), store=store)
        try:
            with TestClient(app, raise_server_exceptions=False) as http:
                yield url, store, http, key
        finally:
            store.dispose()


def every_view(http: TestClient, key: str) -> dict[str, list]:
    """Every client as each dialect shows it: the whole list, page by page, and each one."""
    views = {}
    for name, dialect in DIALECTS.items():
        pages, index = [], 0
        scopes = ["main", "north", "south"] if name == "gitscrum" else [None]
        for scope in scopes:
            index = 0
            while True:
                params = dict(dialect.paging.ask(index, dialect.paging.largest or 0))
                if scope:
                    params["company_slug"] = scope
                r = http.get(f"/{name}{dialect.listing.path}", params=params,
                             headers=bearer(key))
                assert r.status_code == 200
                reading = dialect.paging.read(r.json(), index, dialect.paging.largest or 0)
                pages.append(reading.items)
                if reading.last:
                    break
                index += 1
        views[name] = pages
    return views


def test_an_export_from_sqlite_imports_into_postgresql_with_every_view_the_same(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with world("sqlite", tmp_path / "a", filled=True) as (src, _, src_http, src_key), \
            world("postgresql", tmp_path / "b", filled=False) as (dst, store, dst_http, dst_key):
        code, out, err = cli(src, "export", "--tenant", "acme", "--output",
                             str(tmp_path / "acme.jsonl"), "--json")
        assert (code, err) == (0, "")
        alive = SIZE - len(range(5, SIZE, 10))
        assert '"clients": %d' % alive in out

        code, out, err = cli(dst, "import", "--tenant", "acme", "--file",
                             str(tmp_path / "acme.jsonl"), "--json")
        assert (code, err) == (0, "")
        assert '"created": %d' % alive in out and '"failed": 0' in out

        assert every_view(dst_http, dst_key) == every_view(src_http, src_key)
        # What no dialect shows came across too: the contact, the custom field's label.
        tid = store.tenants.find("acme")["id"]
        assert any(u["kind"] == "contact" and u["email"] == "cy@acme.example"
                   for u in store.users.list(Scope(tid)))
        assert [f["label"] for f in store.custom_fields.list(tid)] == ["PO"]

        # Again: nothing changes.
        code, out, _ = cli(dst, "import", "--tenant", "acme", "--file",
                           str(tmp_path / "acme.jsonl"), "--json")
        assert code == 0 and '"unchanged": %d' % alive in out and '"created": 0' in out


def test_a_csv_export_round_trips_and_a_bad_row_is_reported_by_its_line(backend, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with world(backend, tmp_path / "a", filled=True) as (src, _, src_http, src_key), \
            world(backend, tmp_path / "b", filled=False) as (dst, store, dst_http, dst_key):
        path = tmp_path / "acme.csv"
        assert cli(src, "export", "--tenant", "acme", "--output", str(path))[0] == 0
        rows = list(csv.reader(path.open(newline="")))
        header = rows[0]
        # Spoil two rows: an unreadable id on line 3, a name the store cannot hold on line 6.
        spoiled = {int(rows[2][header.index("id")]), int(rows[5][header.index("id")])}
        spoiled_uuids = {rows[2][header.index("uuid")], rows[5][header.index("uuid")]}
        rows[2][header.index("id")] = "seven"
        rows[5][header.index("name")] = "x" * 300
        with path.open("w", newline="") as f:
            csv.writer(f).writerows(rows)

        code, out, err = cli(dst, "import", "--tenant", "acme", "--file", str(path), "--json")

        alive = SIZE - len(range(5, SIZE, 10))
        assert code == 1
        assert '"created": %d' % (alive - 2) in out and '"failed": 2' in out
        assert "line 3: id is not an integer: 'seven'" in err
        assert "line 6: name: max_length" in err
        assert store.exports.count(store.tenants.find("acme")["id"]) == alive - 2
        for client_id in spoiled:
            assert dst_http.get(f"/outlign/api/v1/clients/{client_id}",
                                headers=bearer(dst_key)).status_code == 404
        src_views, dst_views = every_view(src_http, src_key), every_view(dst_http, dst_key)
        for name in DIALECTS:
            key = "uuid" if name == "gitscrum" else "id"
            gone = spoiled if name in ("outlign", "growcrm") else spoiled_uuids
            theirs = [c for page in src_views[name] for c in page if c[key] not in gone]
            assert [c for page in dst_views[name] for c in page] == theirs, name


@pytest.mark.parametrize("content", [
    "not a file\n", '{"type": "clientgate-export", "version": 9}\n'])
def test_a_file_that_is_no_export_is_one_line_and_nothing_written(tmp_path, content):
    with world("sqlite", tmp_path, filled=False) as (url, store, _, _):
        path = tmp_path / "bad.txt"
        path.write_text(content)
        code, _, err = cli(url, "import", "--tenant", "acme", "--file", str(path))
        assert code == 1 and err.count("\n") == 1 and err.startswith("clientgate: error: ")
        assert store.exports.count(store.tenants.find("acme")["id"]) == 0


def test_an_import_counts_its_records_for_prometheus_while_it_runs(backend, tmp_path):
    """``import --metrics-port``: the counters a Prometheus server scrapes from the running
    import, by outcome, read back here before the run's server stops (as a scrape would)."""
    from contextlib import ExitStack
    from urllib.request import urlopen

    from prometheus_client.parser import text_string_to_metric_families

    from gateway.cli.transfer import Meter
    from gateway.migration import runner
    from tests.faults.process import free_port

    (tmp_path / "from").mkdir()
    (tmp_path / "to").mkdir()
    with world(backend, tmp_path / "from", filled=True) as (url, _, _, _):
        assert cli(url, "export", "--tenant", "acme", "--output", str(tmp_path / "x.jsonl"))[0] == 0
    with world(backend, tmp_path / "to", filled=False) as (url, store, _, _):
        tenant = store.tenants.find("acme")
        port = free_port()
        with ExitStack() as stack:
            meter = Meter(stack, "import", quiet=True, metrics_port=port)
            summary = runner.from_file(store, tenant["id"], str(tmp_path / "x.jsonl"),
                                       dry_run=False, meter=meter)
            with urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
                text = r.read().decode()
        found = {(s.name, s.labels.get("outcome")): s.value
                 for f in text_string_to_metric_families(text) for s in f.samples}
        assert found[("clientgate_import_records_total", "created")] == summary.tally.created
        assert 0 < summary.tally.created <= SIZE


def test_an_import_writes_the_search_entries_of_its_clients_before_it_ends(backend, tmp_path):
    """With no gateway running, the import itself writes the SQLite search entries of what it
    created (a gateway's upkeep would otherwise): nothing is left pending, and a search finds
    the imported clients through the index. PostgreSQL's trigram indexes need nothing."""
    (tmp_path / "a").mkdir()
    with world(backend, tmp_path / "a", filled=True) as (src, _, _, _):
        assert cli(src, "export", "--tenant", "acme", "--output",
                   str(tmp_path / "acme.jsonl"))[0] == 0
    with empty_database(backend, tmp_path) as url:
        store = Store.from_url(url, pool_size=2)
        try:
            migrate.upgrade(store.engine)
            store.tenants.create("acme", workspace_slug="main", workspace_name="Main")
            code, out, err = cli(url, "import", "--tenant", "acme", "--file",
                                 str(tmp_path / "acme.jsonl"), "--json")
            assert (code, err) == (0, "")
            alive = SIZE - len(range(5, SIZE, 10))
            summary = json.loads(out)
            assert summary["created"] == alive
            assert summary["search_entries"] == (alive if backend == "sqlite" else 0)
            assert store.search_index.pending() == 0
            tid = store.tenants.find("acme")["id"]
            found = store.clients.list(Scope(tid), ClientQuery(
                search="client", search_fields=("name",), limit=None))
            assert found.total == alive
        finally:
            store.dispose()
