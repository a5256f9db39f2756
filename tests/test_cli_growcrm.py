"""The operator commands Grow CRM's API needs behind it (client categories, client users and
contacts, custom fields) and ``clientgate mailer`` against a local SMTP sink, on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import socketserver
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes

import pytest
from prometheus_client.parser import text_string_to_metric_families

from core.people import Person
from core.scope import Scope
from gateway import mailer
from gateway.cli import main
from gateway.settings import Settings

BASE = "/growcrm/api/clients"


def run(capsys, database_url, *args):
    code = main(["--database-url", database_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def ok(capsys, database_url, *args):
    code, out, err = run(capsys, database_url, *args, "--json")
    assert (code, err) == (0, ""), err
    return json.loads(out)


def fails(capsys, database_url, *args) -> str:
    code, out, err = run(capsys, database_url, *args)
    assert code == 1 and out == "" and err.count("\n") == 1
    return err.removeprefix("clientgate: error: ").strip()


# -- categories ---------------------------------------------------------------------------------


def test_categories_create_list_and_set_default(capsys, database_url, tenant):
    t = tenant.name
    standard = ok(capsys, database_url, "categories", "create", "--tenant", t, "Standard")
    vip = ok(capsys, database_url, "categories", "create", "--tenant", str(tenant.id), "VIP",
             "--default")

    assert (standard["name"], standard["is_default"]) == ("Standard", False)
    assert (vip["name"], vip["is_default"]) == ("VIP", True)
    listed = ok(capsys, database_url, "categories", "list", "--tenant", t)
    assert [(c["name"], c["is_default"]) for c in listed] == [
        ("Default", False), ("Standard", False), ("VIP", True)]

    again = ok(capsys, database_url, "categories", "set-default", "--tenant", t,
               str(standard["id"]))
    assert again["is_default"] is True
    assert [c["name"] for c in ok(capsys, database_url, "categories", "list", "--tenant", t)
            if c["is_default"]] == ["Standard"]


def test_a_new_default_category_is_what_grow_crm_creates_with(capsys, database_url, tenant,
                                                               client):
    vip = ok(capsys, database_url, "categories", "create", "--tenant", tenant.name, "VIP",
             "--default")
    r = client.post(BASE, data={"first_name": "A", "last_name": "B", "email": "ab@example.test"},
                    headers=tenant.headers)
    assert r.json()["data"]["category"] == {"id": vip["id"], "name": "VIP"}


def test_categories_list_as_a_table(capsys, database_url, tenant):
    code, out, _ = run(capsys, database_url, "categories", "list", "--tenant", tenant.name)
    assert code == 0 and out.split()[:3] == ["id", "name", "is_default"] and "Default" in out


@pytest.mark.parametrize(("args", "message"), [
    (["categories", "create", "--tenant", "{t}", "Default"], "name is already taken"),
    (["categories", "create", "--tenant", "{t}", " "], "name must be 1-255 characters, not blank"),
    (["categories", "set-default", "--tenant", "{t}", "999999999"],
     "there is no category 999999999"),
    (["categories", "list", "--tenant", "no-such-tenant"], "no tenant 'no-such-tenant'"),
])
def test_category_errors_are_one_line(capsys, database_url, tenant, args, message):
    args = [a.format(t=tenant.name) for a in args]
    assert fails(capsys, database_url, *args) == message


# -- client users and contacts ------------------------------------------------------------------


def test_users_create_and_list(capsys, database_url, tenant, store):
    acme = store.clients.create(Scope(tenant.id), {"name": "Acme"}, custom_values={},
                                primary_user=Person("Jane", "Doe", "jane@acme.example"))
    t = tenant.name

    sam = ok(capsys, database_url, "users", "create", "--tenant", t, "--client", str(acme["id"]),
             "--first-name", "Sam", "--last-name", "Roe", "--email", "sam@acme.example")
    lead = ok(capsys, database_url, "users", "create", "--tenant", t, "--contact",
              "--first-name", "Lee", "--last-name", "Ng", "--email", "lee@lead.example")

    assert (sam["client_id"], sam["kind"], sam["is_owner"]) == (acme["id"], "user", False)
    assert (lead["client_id"], lead["kind"]) == (None, "contact")
    everyone = ok(capsys, database_url, "users", "list", "--tenant", t)
    assert [u["email"] for u in everyone] == ["jane@acme.example", "sam@acme.example",
                                              "lee@lead.example"]
    mine = ok(capsys, database_url, "users", "list", "--tenant", t, "--client", str(acme["id"]))
    assert [(u["email"], u["is_owner"]) for u in mine] == [("jane@acme.example", True),
                                                           ("sam@acme.example", False)]


def test_a_user_added_by_the_cli_can_become_the_owner(capsys, database_url, tenant, client):
    created = client.post(BASE, data={"first_name": "A", "last_name": "B",
                                      "email": "ab@example.test"}, headers=tenant.headers)
    client_id = created.json()["data"]["id"]
    sam = ok(capsys, database_url, "users", "create", "--tenant", tenant.name, "--client",
             str(client_id), "--first-name", "Sam", "--last-name", "Roe", "--email",
             "sam@example.test")

    r = client.put(f"{BASE}/{client_id}/owner", data={"owner": sam["id"]}, headers=tenant.headers)
    assert r.json()["data"]["owner"] == {"id": sam["id"], "name": "Sam Roe"}


def test_a_contact_added_by_the_cli_is_promoted_by_a_create(capsys, database_url, tenant, client):
    lead = ok(capsys, database_url, "users", "create", "--tenant", tenant.name, "--contact",
              "--first-name", "Lee", "--last-name", "Ng", "--email", "lee@lead.example")

    r = client.post(BASE, data={"first_name": "Lee", "last_name": "Ng",
                                "email": "lee@lead.example"}, headers=tenant.headers)

    assert r.status_code == 201
    assert r.json()["data"]["owner"] == {"id": lead["id"], "name": "Lee Ng"}


@pytest.mark.parametrize(("args", "message"), [
    (["--first-name", "A", "--last-name", "B", "--email", "a@x.test"],
     "a user belongs to a client: give --client ID (or --contact)"),
    (["--client", "999999999", "--first-name", "A", "--last-name", "B", "--email", "a@x.test"],
     "there is no client 999999999"),
    (["--contact", "--first-name", "A", "--last-name", "B", "--email", "not-an-email"],
     "email must be an email address with no invisible characters"),
    (["--contact", "--first-name", " ", "--last-name", "B", "--email", "a@x.test"],
     "first_name must be 1-255 characters, not blank"),
    (["--contact", "--first-name", "A", "--last-name", "B", "--email", "TAKEN@x.test"],
     "email is already taken"),
])
def test_user_errors_are_one_line(capsys, database_url, tenant, args, message):
    ok(capsys, database_url, "users", "create", "--tenant", tenant.name, "--contact",
       "--first-name", "T", "--last-name", "T", "--email", "taken@x.test")
    assert fails(capsys, database_url, "users", "create", "--tenant", tenant.name,
                 *args) == message


def test_another_tenants_client_is_not_found(capsys, database_url, tenant, other_tenant, store):
    theirs = store.clients.create(Scope(other_tenant.id), {"name": "Theirs"})
    assert fails(capsys, database_url, "users", "create", "--tenant", tenant.name, "--client",
                 str(theirs["id"]), "--first-name", "A", "--last-name", "B", "--email",
                 "a@x.test") == f"there is no client {theirs['id']}"


# -- custom fields ------------------------------------------------------------------------------


def test_custom_fields_create_and_list(capsys, database_url, tenant, client):
    t = tenant.name
    ref = ok(capsys, database_url, "custom-fields", "create", "--tenant", t, "contract_ref",
             "--label", "Contract", "--required")
    region = ok(capsys, database_url, "custom-fields", "create", "--tenant", t, "region")

    assert (ref["name"], ref["label"], ref["required"]) == ("contract_ref", "Contract", True)
    assert (region["label"], region["required"]) == ("region", False)
    listed = ok(capsys, database_url, "custom-fields", "list", "--tenant", t)
    assert [f["name"] for f in listed] == ["contract_ref", "region"]

    r = client.post(BASE, data={"first_name": "A", "last_name": "B", "email": "ab@x.test"},
                    headers=tenant.headers)
    assert r.json()["errors"] == {"contract_ref": ["The contract ref field is required."]}


FIELD_NAME_RULE = ("field_name must be a letter or underscore, then up to 99 letters, digits or "
                   "underscores (it is the key request bodies use)")


@pytest.mark.parametrize(("name", "message"), [("bad name", FIELD_NAME_RULE),
                                               ("1st", FIELD_NAME_RULE),
                                               ("dup", "name is already taken")])
def test_custom_field_errors_are_one_line(capsys, database_url, tenant, name, message):
    ok(capsys, database_url, "custom-fields", "create", "--tenant", tenant.name, "dup")
    assert fails(capsys, database_url, "custom-fields", "create", "--tenant", tenant.name,
                 name) == message


# -- the mailer ---------------------------------------------------------------------------------


@dataclass
class Sink:
    """What a tiny SMTP server received; recipients containing "reject" are refused."""

    port: int = 0
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)


class _SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        sink: Sink = self.server.sink  # type: ignore[attr-defined]
        sender, rcpts = "", []
        self.reply("220 sink ready")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ", 1)[0].upper()
            arg = line.decode().strip()[len(verb):].strip()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL":
                sender, rcpts = arg, []
                self.reply("250 OK")
            elif verb == "RCPT":
                if "reject" in arg:
                    self.reply("550 no such user here")
                else:
                    rcpts.append(arg)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                sink.messages.append((sender, rcpts, data))
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def sink(monkeypatch) -> Iterator[Sink]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpHandler)
    server.daemon_threads = True
    server.sink = Sink(server.server_address[1])  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CLIENTGATE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CLIENTGATE_SMTP_PORT", str(server.sink.port))  # type: ignore[attr-defined]
    monkeypatch.setenv("CLIENTGATE_SMTP_FROM", "crm@gateway.test")
    try:
        yield server.sink  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def jane(tenant) -> str:
    """An address no other test's emails go to (the outbox is shared by every tenant)."""
    return f"jane@{tenant.name}.example"


def sent_to(sink: Sink, address: str) -> list[tuple[str, list[str], bytes]]:
    return [m for m in sink.messages if m[1] == [f"TO:<{address}>"]]


def welcome(client, tenant, email=None, send="yes") -> int:
    r = client.post(BASE, data={"first_name": "Jane", "last_name": "Doe",
                                "email": email or jane(tenant),
                                "client_company_name": "Acme Inc", "send_email": send},
                    headers=tenant.headers)
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


def test_mailer_once_delivers_the_welcome_email_and_marks_it_sent(capsys, database_url, tenant,
                                                                  client, store, sink):
    client_id = welcome(client, tenant)
    welcome(client, tenant, "nomail@acme.example", send="no")

    result = ok(capsys, database_url, "mailer", "--once")

    assert result["sent"] >= 1 and result["failed"] == 0
    [mail] = store.outbox.all(tenant_id=tenant.id)
    assert mail["client_id"] == client_id and mail["sent_at"] is not None
    [(sender, _, data)] = sent_to(sink, jane(tenant))
    assert sender == "FROM:<crm@gateway.test>"
    parsed = message_from_bytes(data)
    assert parsed["To"] == f"Jane Doe <{jane(tenant)}>"
    assert parsed["Subject"] == "Welcome to your client account"
    assert "Acme Inc" in parsed.get_payload()
    assert sent_to(sink, "nomail@acme.example") == []

    # Other tests' refused emails may be retried; nothing already sent is sent again.
    assert ok(capsys, database_url, "mailer", "--once")["sent"] == 0
    assert len(sent_to(sink, jane(tenant))) == 1


def test_a_refused_email_is_marked_failed_and_retried_until_max_attempts(
        capsys, database_url, tenant, client, store, sink, monkeypatch):
    monkeypatch.setenv("CLIENTGATE_MAILER_MAX_ATTEMPTS", "2")
    welcome(client, tenant, "reject-me@acme.example")

    for attempt in (1, 2, 3):
        ok(capsys, database_url, "mailer", "--once")
        [mail] = store.outbox.all(tenant_id=tenant.id)
        assert mail["sent_at"] is None and mail["attempts"] == min(attempt, 2)
        assert "no such user here" in mail["last_error"]


def test_an_unreachable_smtp_server_is_a_one_line_error_and_marks_nothing(
        capsys, database_url, tenant, client, store, monkeypatch):
    monkeypatch.setenv("CLIENTGATE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CLIENTGATE_SMTP_PORT", "1")
    welcome(client, tenant)

    message = fails(capsys, database_url, "mailer", "--once")

    assert message.startswith("SMTP server 127.0.0.1:1:")
    [mail] = store.outbox.all(tenant_id=tenant.id)
    assert (mail["sent_at"], mail["attempts"]) == (None, 0)


def test_the_mailer_loop_delivers_round_after_round(tenant, client, store, sink):
    settings = Settings.from_env(mailer_interval=0.01)
    rounds: list[dict] = []
    welcome(client, tenant)

    mailer.run(store, settings, report=rounds.append, rounds=2)

    assert len(rounds) == 2 and rounds[0]["sent"] >= 1 and rounds[1]["sent"] == 0
    assert store.outbox.all(tenant_id=tenant.id)[0]["sent_at"] is not None
    assert len(sent_to(sink, jane(tenant))) == 1


@pytest.mark.parametrize(("env", "message"), [
    ({"CLIENTGATE_SMTP_SECURITY": "tls"}, "smtp_security must be none, starttls or ssl"),
    ({"CLIENTGATE_SMTP_PORT": "0"}, "smtp_port must be between 1 and 65535, not 0"),
    ({"CLIENTGATE_MAILER_INTERVAL": "0"},
     "smtp_timeout and mailer_interval must be > 0, mailer_max_attempts at least 1"),
])
def test_bad_mail_settings_are_one_line_errors(capsys, database_url, monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert fails(capsys, database_url, "mailer", "--once") == message


def test_the_mailer_serves_its_counters_while_it_runs(database_url, tenant, client, sink,
                                                     monkeypatch, capsys):
    from gateway.cli import main
    from tests.faults.process import free_port

    welcome(client, tenant)
    monkeypatch.setenv("CLIENTGATE_MAILER_INTERVAL", "3")
    port, done = free_port(), []
    loop = threading.Thread(target=lambda: done.append(main(
        ["--database-url", database_url, "mailer", "--metrics-port", str(port),
         "--rounds", "2", "--json"])))
    loop.start()
    try:
        deadline = time.monotonic() + 10
        while True:  # scraped during the pause between the two rounds
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
                    text = r.read().decode()
                if 'clientgate_mailer_rounds_total{result="ok"} 1.0' in text:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline
            time.sleep(0.1)
        found = {(s.name, tuple(s.labels.items())): s.value
                 for f in text_string_to_metric_families(text) for s in f.samples}
        assert found[("clientgate_mailer_emails_total", (("outcome", "sent"),))] >= 1
    finally:
        loop.join(20)
    assert done == [0]
    with pytest.raises(OSError):  # the counters' server ended with the mailer
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2)
