"""``clientgate contract`` and ``clientgate diff``, proven both ways over real HTTP on SQLite and
PostgreSQL: they pass against a live gateway for every dialect, and against servers that are
deliberately wrong (the gateway with one thing broken in its answers) the right named check
fails and ``diff`` names exactly the planted difference."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any
from xml.etree import ElementTree

import orjson
import pytest

from core.scope import Scope
from dialects.registry import DIALECTS
from gateway.app import create_app
from gateway.contract import shapes
from gateway.contract.scenario import FAILED, Run
from gateway.settings import Settings
from tests.conftest import count_clients, make_tenant
from tests.live import live_server, serve_asgi  # noqa: F401  (a fixture)

NAMES = sorted(DIALECTS)
#: Checks a dialect cannot run, and why (its vendor documents no such endpoint).
SKIPPED = {"talynce": {"delete"}, "gitscrum": {"delete", "list.search"}}


def workspace_of(name: str, kit) -> str:
    by = DIALECTS[name].listing.workspace_by
    return str(kit.workspace["id"]) if by == "id" else kit.workspace["slug"]


def cli(capsys, *args: str) -> tuple[int, list[dict]]:
    from gateway.cli import main

    code = main(list(args))
    out = capsys.readouterr().out
    return code, [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.mark.parametrize("name", NAMES)
def test_the_contract_passes_against_the_gateway(capsys, tmp_path, live_server, store, name):  # noqa: F811
    kit = make_tenant(store, f"contract-{name}")
    junit = tmp_path / "contract.xml"
    code, lines = cli(capsys, "contract", "--dialect", name, "--base-url",
                      f"{live_server.url}/{name}", "--token", kit.key, "--workspace",
                      workspace_of(name, kit), "--max-examples", "5", "--json",
                      "--junit", str(junit))
    *checks, summary = lines
    failed = [c for c in checks if c["status"] == "failed"]
    assert code == 0 and not failed, failed
    assert {c["name"] for c in checks if c["status"] == "skipped"} == SKIPPED.get(name, set())
    assert any(c["name"].startswith("fuzz.") for c in checks)
    assert summary["failed"] == 0 and summary["checks"] == len(checks)
    suite = ElementTree.parse(junit).getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == (str(len(checks)), "0")
    # It touched only what it made, and deleted it where the dialect can delete.
    remaining = count_clients(store, kit.id)
    assert remaining == (0 if DIALECTS[name].contract.delete else summary["left_behind"])


@pytest.mark.parametrize("name", ["outlign", "gitscrum"])
def test_read_only_sends_only_safe_requests(capsys, live_server, store, name):  # noqa: F811
    kit = make_tenant(store, f"contract-ro-{name}")
    store.clients.create(Scope(kit.id, kit.workspace["id"]), {"name": "Existing"})
    code, lines = cli(capsys, "contract", "--dialect", name, "--base-url",
                      f"{live_server.url}/{name}", "--token", kit.key, "--workspace",
                      workspace_of(name, kit), "--read-only", "--max-examples", "3", "--json")
    *checks, _ = lines
    assert code == 0
    assert {c["name"] for c in checks} >= {"auth.missing-token", "list.walk", "get.unknown-id"}
    assert not {c["name"] for c in checks} & {"create", "update", "delete", "list.paging"}
    assert count_clients(store, kit.id) == 1


def test_a_wrong_token_fails_the_run_with_exit_1(capsys, live_server):  # noqa: F811
    code, lines = cli(capsys, "contract", "--dialect", "talynce", "--base-url",
                      f"{live_server.url}/talynce", "--token", "cg_not-a-key", "--read-only",
                      "--max-examples", "0", "--json")
    failed = {c["name"] for c in lines[:-1] if c["status"] == "failed"}
    assert code == 1 and "list.first-page" in failed
    assert "auth.missing-token" not in failed


# -- deliberately broken servers --------------------------------------------------------------


Mutation = Callable[[str, str, int, Any], tuple[int, Any]]


class Broken:
    """The gateway with its answers changed by ``mutate(dialect, method+path, status, body)``."""

    def __init__(self, app: Any, mutate: Mutation) -> None:
        self.app = app
        self.mutate = mutate

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def keep(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, keep)
        raw = b"".join(chunks)
        dialect, _, rest = scope["path"].lstrip("/").partition("/")
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = None
        status = start["status"]
        if body is not None:
            status, body = self.mutate(dialect, f"{scope['method']} /{rest}", status, body)
            raw = orjson.dumps(body)
        headers = [(k, v) for k, v in start.get("headers", []) if k != b"content-length"]
        headers.append((b"content-length", str(len(raw)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": raw})


def clients_in(body: Any, key: str) -> Iterator[dict]:
    """Every client object in an answer (dicts carrying the dialect's key field)."""
    if isinstance(body, dict):
        if key in body:
            yield body
        for value in body.values():
            yield from clients_in(value, key)
    elif isinstance(body, list):
        for value in body:
            yield from clients_in(value, key)


#: GET one client (not the list, which GitScrum serves at /contact-companies/clients).
ONE = re.compile(r"^GET (/[^ ]*)?/(clients|contact-companies)/(?!clients$)[^/]+$")


def renamed(name: str, line: str, status: int, body: Any) -> tuple[int, Any]:
    contract = DIALECTS[name].contract
    for obj in clients_in(body, contract.key):
        if contract.name in obj:
            obj[f"{contract.name}_renamed"] = obj.pop(contract.name)
    return status, body


def unwrapped(name: str, line: str, status: int, body: Any) -> tuple[int, Any]:
    if ONE.match(line) and status == 200 and isinstance(body, dict) and "data" in body:
        return status, body["data"]
    return status, body


def miscounted(name: str, line: str, status: int, body: Any) -> tuple[int, Any]:
    if isinstance(body, dict):
        holder = body.get("meta") if isinstance(body.get("meta"), dict) else body
        if isinstance(holder.get("total"), int):
            holder["total"] += 1
    return status, body


def failing(name: str, line: str, status: int, body: Any) -> tuple[int, Any]:
    if ONE.match(line) and status == 200:
        return 500, {"message": "Server Error"}
    return status, body


def found(name: str, line: str, status: int, body: Any) -> tuple[int, Any]:
    return (200, body) if status == 404 else (status, body)


STAMP = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$")


def restamped(name: str, line: str, status: int, body: Any) -> tuple[int, Any]:
    def local(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: local(v) for k, v in value.items()}
        if isinstance(value, list):
            return [local(v) for v in value]
        if isinstance(value, str) and STAMP.match(value):
            return STAMP.sub(r"\1 \2", value)  # "2026-12-01 10:00:00": no T, no zone
        return value
    return status, local(body)


#: mutation -> (the dialects it applies to, the check that must fail).
BROKEN = {
    "field renamed": (renamed, NAMES, "create"),
    "envelope dropped": (unwrapped, [n for n in NAMES if DIALECTS[n].contract.envelope], "get"),
    "wrong total": (miscounted, ["fullengage", "growcrm", "talynce"], "list.paging"),
    "a 500": (failing, NAMES, "get"),
    "a 200 where a 404 belongs": (found, NAMES, "get.unknown-id"),
    "timestamp in another format": (restamped, NAMES, "create"),
}
CASES = [pytest.param(fault, name, id=f"{fault}-{name}")
         for fault, (_, names, _) in BROKEN.items() for name in names]


@pytest.fixture(scope="module")
def broken_servers(database_url, store) -> Iterator[dict[str, str]]:
    settings = Settings(database_url=database_url, key_cache_seconds=0)
    urls: dict[str, str] = {}
    servers = []
    try:
        for fault, (mutate, _, _) in BROKEN.items():
            server = serve_asgi(Broken(create_app(settings, store=store), mutate))
            servers.append(server)
            urls[fault] = next(server).url
        yield urls
    finally:
        for server in servers:
            server.close()


def run_against(url: str, name: str, kit, *, judge: bool = True) -> dict[str, Any]:
    run = Run(DIALECTS[name], f"{url}/{name}", kit.key, workspace=workspace_of(name, kit),
              judge=judge)
    try:
        with closing(run.checks()) as checks:
            return {r.name: r for r in checks}
    finally:
        run.close()


@pytest.mark.parametrize(("fault", "name"), CASES)
def test_a_broken_server_fails_the_right_check(broken_servers, store, fault, name):
    kit = make_tenant(store, f"broken-{name}")
    results = run_against(broken_servers[fault], name, kit)
    must_fail = BROKEN[fault][2]
    assert results[must_fail].status == FAILED, results[must_fail]
    # What the fault does not touch still passes: a named check points at the fault.
    assert results["auth.missing-token"].status != FAILED


def test_diff_between_two_gateways_finds_nothing(capsys, live_server, store):  # noqa: F811
    for name in NAMES:
        a, b = make_tenant(store, f"diff-a-{name}"), make_tenant(store, f"diff-b-{name}")
        code, lines = cli(capsys, "diff", "--dialect", name, "--base-url",
                          f"{live_server.url}/{name}", "--token", a.key, "--workspace",
                          workspace_of(name, a), "--against", f"{live_server.url}/{name}",
                          "--against-token", b.key, "--against-workspace",
                          workspace_of(name, b), "--json")
        assert code == 0 and lines == [{"summary": True, "differences": 0}], (name, lines)


@pytest.mark.parametrize(("fault", "fields", "kinds"), [
    ("field renamed", {"name", "name_renamed"}, {("string", "absent"), ("absent", "string")}),
    ("timestamp in another format", {"createdAt", "updatedAt"},
     {("string (date-time, milliseconds, Z)", "string (date-time, local)")}),
])
def test_diff_names_exactly_the_planted_difference(broken_servers, live_server, store,  # noqa: F811
                                                   fault, fields, kinds):
    name = "fullengage"
    a, b = make_tenant(store, "diff-plain"), make_tenant(store, "diff-broken")
    plain = run_against(live_server.url, name, a, judge=False)
    broken = run_against(broken_servers[fault], name, b, judge=False)
    found_ = shapes.results(list(plain.values()), list(broken.values()))
    assert found_, "the planted difference was not seen"
    assert {d.where.rsplit(".", 1)[-1] for d in found_} == fields
    assert {(d.a, d.b) for d in found_} == kinds


def test_an_interrupted_run_still_deletes_what_it_made(live_server, store):  # noqa: F811
    """Stopping a run (an interrupt closes its checks, as ``clientgate contract`` does on
    Ctrl-C) deletes the records it had made."""
    kit = make_tenant(store, "contract-interrupted")
    run = Run(DIALECTS["outlign"], f"{live_server.url}/outlign", kit.key,
              workspace=workspace_of("outlign", kit))
    checks = run.checks()
    try:
        for result in checks:
            if result.name == "create":
                break
        assert count_clients(store, kit.id) == 1
    finally:
        checks.close()
        run.close()
    assert count_clients(store, kit.id) == 0 and run.left_behind() == []
