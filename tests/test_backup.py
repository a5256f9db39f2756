"""``clientgate backup``: an online, checked copy of a SQLite database, taken while a gateway
writes to it, that serves as the original did."""

from __future__ import annotations

import json
import sqlite3
import threading

import pytest
from starlette.testclient import TestClient

from core import migrate
from core.store import Store
from core.text import fold_or_none
from gateway.app import create_app
from gateway.cli import main
from gateway.settings import Settings
from tests.conftest import make_tenant


def backup(capsys, url, *args):
    code = main(["--database-url", url, "backup", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def served(tmp_path):
    url = f"sqlite:///{tmp_path}/live.db"
    store = Store.from_url(url)
    migrate.upgrade(store.engine)
    kit = make_tenant(store, "backup")
    with TestClient(create_app(Settings(database_url=url), store=store)) as client:
        yield url, kit, client
    store.dispose()


def test_a_backup_taken_under_writes_is_whole_and_serves(served, tmp_path, capsys):
    url, kit, client = served
    for i in range(200):
        client.post("/talynce/api/v1/clients", headers=kit.headers, json={"name": f"Before {i}"})
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:  # a gateway keeps writing while the copy is taken
        while not stop.is_set():
            r = client.post("/talynce/api/v1/clients", headers=kit.headers,
                            json={"name": f"During {len(written)}"})
            written.append(r.status_code)

    writer = threading.Thread(target=write)
    writer.start()
    while len(written) < 5:  # the writer is under way before the copy starts
        threading.Event().wait(0.01)
    try:
        code, out, err = backup(capsys, url, str(tmp_path / "copy.db"), "--json")
    finally:
        stop.set()
        writer.join()
    assert (code, err) == (0, "")
    summary = json.loads(out)
    assert summary["schema"] == migrate.head() and summary["current"] is True
    assert summary["bytes"] == (tmp_path / "copy.db").stat().st_size > 0
    assert set(written) == {201}  # the writes went on, and none failed

    copy = f"sqlite:///{tmp_path}/copy.db"
    with sqlite3.connect(tmp_path / "copy.db") as conn:
        # Checking an index of folded values evaluates the fold, which clientgate defines.
        conn.create_function("cg_fold", 1, fold_or_none, deterministic=True)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        kept = conn.execute("SELECT count(*) FROM clients WHERE tenant_id = ?",
                            (kit.id,)).fetchone()[0]
    assert 200 <= kept <= 200 + len(written)
    with TestClient(create_app(Settings(database_url=copy))) as restored:
        r = restored.get("/talynce/api/v1/clients?limit=1", headers=kit.headers)
        assert r.status_code == 200 and r.json()["meta"]["total"] == kept
    assert not list(tmp_path.glob(".copy.db.partial-*"))


def test_backup_refuses_what_it_cannot_do_in_one_line(served, tmp_path, capsys):
    url, _, _ = served
    (tmp_path / "taken.db").write_bytes(b"keep me")
    code, _, err = backup(capsys, url, str(tmp_path / "taken.db"))
    assert code == 1 and err == f"clientgate: error: {tmp_path / 'taken.db'} exists: give " \
                                "--force to replace it\n"
    assert (tmp_path / "taken.db").read_bytes() == b"keep me"
    assert backup(capsys, url, str(tmp_path / "taken.db"), "--force")[0] == 0
    code, _, err = backup(capsys, url, str(tmp_path / "no" / "such" / "dir.db"))
    assert code == 1 and "no directory" in err
    code, _, err = backup(capsys, "postgresql://nobody@127.0.0.1:1/none", str(tmp_path / "x"))
    assert code == 1 and "pg_dump" in err
    code, _, err = backup(capsys, f"sqlite:///{tmp_path}/absent.db", str(tmp_path / "y.db"))
    assert code == 1 and "no database at" in err and not (tmp_path / "absent.db").exists()
