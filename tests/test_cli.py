"""The ``clientgate`` command, in-process and (for ``serve``) as a real process."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from gateway.cli import main


def run(capsys, database_url, *args):
    code = main(["--database-url", database_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_init_json_prints_exactly_one_object(capsys, database_url, store):
    code, out, err = run(capsys, database_url, "init", "--tenant", "cli-acme",
                         "--workspace", "acme", "--json")
    assert code == 0 and err == ""
    body = json.loads(out)
    assert set(body) == {"tenant", "workspace", "api_key"}
    assert set(body["tenant"]) == {"id", "name"} and body["tenant"]["name"] == "cli-acme"
    assert set(body["workspace"]) == {"id", "slug", "name"} and body["workspace"]["slug"] == "acme"
    assert store.keys.resolve(body["api_key"]).tenant_id == body["tenant"]["id"]

    # Again: the same tenant and workspace, a new key.
    again = json.loads(run(capsys, database_url, "init", "--tenant", "cli-acme",
                           "--workspace", "acme", "--json")[1])
    assert again["tenant"] == body["tenant"] and again["workspace"] == body["workspace"]
    assert again["api_key"] != body["api_key"]


def test_tenants_workspaces_and_keys(capsys, database_url, store):
    code, out, _ = run(capsys, database_url, "tenants", "create", "cli-t2", "--json")
    tenant = json.loads(out)
    assert code == 0 and tenant["name"] == "cli-t2"
    assert any(t["name"] == "cli-t2" for t in json.loads(
        run(capsys, database_url, "tenants", "list", "--json")[1]))

    ws = json.loads(run(capsys, database_url, "workspaces", "create", "--tenant", "cli-t2",
                        "sales", "--name", "Sales", "--json")[1])
    assert (ws["slug"], ws["name"]) == ("sales", "Sales")
    listed = json.loads(run(capsys, database_url, "workspaces", "list", "--tenant",
                            str(tenant["id"]), "--json")[1])
    assert [w["slug"] for w in listed] == ["default", "sales"]

    key = json.loads(run(capsys, database_url, "keys", "create", "--tenant", "cli-t2",
                         "--workspace", "sales", "--name", "crm", "--json")[1])
    assert key["workspace_id"] == ws["id"] and key["api_key"].startswith("cg_")
    keys = json.loads(run(capsys, database_url, "keys", "list", "--tenant", "cli-t2",
                          "--json")[1])
    assert all("api_key" not in k and "key_hash" not in k for k in keys)
    assert store.keys.resolve(key["api_key"]).workspace_id == ws["id"]

    revoked = json.loads(run(capsys, database_url, "keys", "revoke", str(key["id"]), "--json")[1])
    assert revoked["revoked_at"] is not None
    assert store.keys.resolve(key["api_key"]) is None


def test_human_output_is_a_table(capsys, database_url):
    run(capsys, database_url, "tenants", "create", "cli-table")
    code, out, _ = run(capsys, database_url, "tenants", "list")
    assert code == 0 and "cli-table" in out and "name" in out.splitlines()[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["keys", "create", "--tenant", "no-such-tenant"], "no tenant 'no-such-tenant'"),
        (["keys", "revoke", "999999999"], "there is no api key 999999999"),
        (["workspaces", "create", "--tenant", "cli-t3", "Bad Slug"],
         "slug must be 1-100 lowercase letters, digits and hyphens, beginning and ending with a "
         "letter or digit"),
        (["tenants", "create", "cli-t3"], "name is already taken"),
    ],
)
def test_store_errors_are_one_line_and_exit_1(capsys, database_url, args, message):
    if args[:2] != ["keys", "revoke"]:
        main(["--database-url", database_url, "tenants", "create", "cli-t3"])
        capsys.readouterr()
    code, out, err = run(capsys, database_url, *args)
    assert code == 1 and out == ""
    assert err == f"clientgate: error: {message}\n"


@pytest.mark.parametrize("args", [[], ["keys"], ["keys", "revoke", "abc"], ["nope"],
                                  ["serve", "--port", "x"]])
def test_bad_arguments_exit_2_without_a_traceback(capsys, args):
    with pytest.raises(SystemExit) as exited:
        main(args)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert "Traceback" not in err and err.strip().splitlines()[-1].startswith("clientgate")


def test_options_after_the_command_and_the_version(capsys, database_url, tmp_path):
    main(["--database-url", database_url, "tenants", "create", "cli-after"])
    capsys.readouterr()
    code, out, _ = run_plain(capsys, "tenants", "list", "--json", "--database-url", database_url)
    assert code == 0 and "cli-after" in out
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0 and capsys.readouterr().out.startswith("clientgate ")


def test_a_missing_sqlite_database_is_an_error_and_no_file_is_made(capsys, tmp_path):
    missing = tmp_path / "elsewhere.db"
    code, out, err = run(capsys, f"sqlite:///{missing}", "tenants", "list")
    assert code == 1 and out == "" and not missing.exists()
    assert err == (f"clientgate: error: no database at {missing}: run `clientgate init` "
                   "first, or give --database-url (or CLIENTGATE_DATABASE_URL)\n")
    code, _, _ = run(capsys, f"sqlite:///{missing}", "init", "--tenant", "made", "--json")
    assert code == 0 and missing.exists()
    assert "made" in run(capsys, f"sqlite:///{missing}", "tenants", "list")[1]


def run_plain(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_unreachable_database_is_a_one_line_error(capsys):
    code, _, err = run(capsys, "postgresql://nobody@127.0.0.1:1/none", "tenants", "list")
    assert code == 1
    assert err.startswith("clientgate: error: database error:") and err.count("\n") == 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_demo_prints_a_working_key_and_every_base_url(tmp_path):
    """What `make serve` runs, as a real process: schema, demo tenant and key, base URLs."""
    port = free_port()
    env = {**os.environ, "CLIENTGATE_DATABASE_URL": f"sqlite:///{tmp_path}/demo.db"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--demo", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        lines = []
        while not any("/gitscrum" in line or "/outlign" in line for line in lines[-1:]):
            lines.append(proc.stdout.readline())
            assert proc.poll() is None, "".join(lines)
        key = re.search(r"demo API key \(shown once\): (\S+)", "".join(lines)).group(1)
        deadline = time.monotonic() + 15
        while True:
            try:
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/outlign/api/v1/clients/123",
                    headers={"Authorization": f"Bearer {key}"})
                with urllib.request.urlopen(request, timeout=2) as response:
                    # Seed 000's client, as its document shows it.
                    assert response.status == 200 and json.loads(response.read()) == {
                        "id": 123, "title": "Acme Corporation", "company_id": 456,
                        "created_at": "2023-01-01T12:00:00Z",
                        "updated_at": "2023-01-01T12:00:00Z"}
                break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_setting_from_the_environment_holds_unless_its_flag_is_given(monkeypatch):
    """``CLIENTGATE_DEMO=1`` (the container's way) starts the demo as ``serve --demo`` does; a
    flag that is not given does not override it."""
    from gateway.cli import build_parser
    from gateway.cli.shared import settings_from

    monkeypatch.setenv("CLIENTGATE_DEMO", "1")
    assert settings_from(build_parser().parse_args(["serve"])).demo is True
    monkeypatch.setenv("CLIENTGATE_DEMO", "0")
    assert settings_from(build_parser().parse_args(["serve"])).demo is False
    assert settings_from(build_parser().parse_args(["serve", "--demo"])).demo is True


@pytest.mark.parametrize(("name", "value", "said"), [
    ("CLIENTGATE_LOG_LEVEL", "loud", "log_level must be one of critical, error, warning, info"),
    ("CLIENTGATE_LOG_FORMAT", "xml", "log_format must be text or json"),
    ("CLIENTGATE_DIALECTS", "outlign,nosuch", "unknown dialect(s): nosuch"),
    ("CLIENTGATE_HOST_DIALECTS", "a.test=nosuch", "not mounted: nosuch"),
])
def test_a_bad_setting_stops_serve_in_one_line(tmp_path, name, value, said):
    env = {**os.environ, "CLIENTGATE_DATABASE_URL": f"sqlite:///{tmp_path}/s.db", name: value}
    done = subprocess.run([sys.executable, "-m", "gateway.cli", "serve", "--port",
                           str(free_port())], env=env, capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("clientgate: error: ") and said in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
